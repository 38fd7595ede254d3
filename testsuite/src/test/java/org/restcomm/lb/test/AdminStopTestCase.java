package org.restcomm.lb.test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpClient;
import java.net.http.HttpResponse;

import org.jboss.as.controller.client.ModelControllerClient;
import org.jboss.as.controller.client.helpers.Operations;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@code /lbstop} stops the server it runs in, so it runs on a balancer server of its own (port offset 400), not the shared one. */
public class AdminStopTestCase {

    private static final int PORT_OFFSET = 400;
    private static final int STATISTICS_PORT = 2006 + PORT_OFFSET;

    private final NodeServer server = NodeServer.balancerCopy("lbstop-balancer", PORT_OFFSET);

    @BeforeEach
    public void startServer() throws Exception {
        this.server.prepare();
        this.server.start();
        this.server.awaitStarted();
    }

    @AfterEach
    public void stopServer() throws Exception {
        this.server.close();
    }

    @Test
    public void lbstopSuspendsAndStopsTheServerWithinStopTimeout() throws Exception {
        try (ModelControllerClient client = this.server.managementClient()) {
            Management management = new Management(client);
            AdminEndpointsTestCase.addSecurityDomain(management);
            // batch: admin-security-domain=lb-admins, admin-endpoints=true, stop-timeout=2000 {allow-resource-service-restart=true}
            management.success(Management.restarting(Operations.CompositeOperationBuilder.create()
                    .addStep(Operations.createWriteAttributeOperation(Management.SUBSYSTEM, "admin-security-domain", "lb-admins"))
                    .addStep(Operations.createWriteAttributeOperation(Management.SUBSYSTEM, "admin-endpoints", true))
                    .addStep(Operations.createWriteAttributeOperation(Management.SUBSYSTEM, "stop-timeout", 2000L))
                    .build().getOperation()));
        }
        HttpClient http = HttpClient.newHttpClient();
        assertEquals(401, AdminEndpointsTestCase.get(http, STATISTICS_PORT, "/lbstop?login=ops&password=wrong", null).statusCode());
        assertTrue(this.server.isRunning(), "a refused /lbstop stops nothing");

        HttpResponse<String> stopping = AdminEndpointsTestCase.get(http, STATISTICS_PORT, "/lbstop",
                AdminEndpointsTestCase.basic(AdminEndpointsTestCase.USER, AdminEndpointsTestCase.PASSWORD));
        assertEquals(423, stopping.statusCode(), "the original's answer");
        assertTrue(this.server.awaitExit(60_000), "the server stopped:\n" + this.server.console());
        String console = this.server.console();
        assertTrue(console.contains("RLB0120"), console);
        // the server suspended first (WFLYSRV0211/0272 "Suspending server"), then stopped (WFLYSRV0050)
        assertTrue(console.contains("Suspending server") && console.contains("WFLYSRV0050"), console);
    }
}
