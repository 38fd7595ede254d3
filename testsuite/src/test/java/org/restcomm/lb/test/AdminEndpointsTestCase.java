package org.restcomm.lb.test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

import org.jboss.as.controller.client.ModelControllerClient;
import org.jboss.as.controller.client.helpers.Operations;
import org.jboss.dmr.ModelNode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The original's admin paths on the statistics port: 404 while admin-endpoints is off; on, 401 without or with wrong
 * credentials, and with an Elytron user's /lbloglevel changes the logging subsystem's logger. On a balancer server of
 * its own (port offset 500), so the shared server's configuration stays as the other tests expect it.
 */
public class AdminEndpointsTestCase {

    private static final ModelNode REALM = Operations.createAddress("subsystem", "elytron", "filesystem-realm", "lb-admins");
    private static final ModelNode DOMAIN = Operations.createAddress("subsystem", "elytron", "security-domain", "lb-admins");
    private static final ModelNode LOGGER = Operations.createAddress("subsystem", "logging", "logger", "org.restcomm.lb");
    private static final int PORT_OFFSET = 500;
    static final String USER = "ops";
    static final String PASSWORD = "s3cret-ops";

    private HttpClient client = HttpClient.newHttpClient();
    private final NodeServer server = NodeServer.balancerCopy("admin-balancer", PORT_OFFSET);

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

    /** A filesystem realm with the user ops and a security domain over it, both named lb-admins. */
    static void addSecurityDomain(Management management) {
        // /subsystem=elytron/filesystem-realm=lb-admins:add(path=lb-admins, relative-to=jboss.server.data.dir)
        ModelNode realm = Operations.createAddOperation(REALM);
        realm.get("path").set("lb-admins");
        realm.get("relative-to").set("jboss.server.data.dir");
        management.success(realm);
        // /subsystem=elytron/filesystem-realm=lb-admins:add-identity(identity=ops)
        ModelNode identity = Operations.createOperation("add-identity", REALM);
        identity.get("identity").set(USER);
        management.success(identity);
        // /subsystem=elytron/filesystem-realm=lb-admins:set-password(identity=ops, clear={password=s3cret-ops})
        ModelNode password = Operations.createOperation("set-password", REALM);
        password.get("identity").set(USER);
        password.get("clear", "password").set(PASSWORD);
        management.success(password);
        // /subsystem=elytron/security-domain=lb-admins:add(realms=[{realm=lb-admins}], default-realm=lb-admins, permission-mapper=default-permission-mapper)
        ModelNode domain = Operations.createAddOperation(DOMAIN);
        domain.get("realms").add().get("realm").set("lb-admins");
        domain.get("default-realm").set("lb-admins");
        domain.get("permission-mapper").set("default-permission-mapper");
        management.success(domain);
    }

    @Test
    public void offTheyAreNotFoundOnTheyAskForCredentialsAndChangeTheLogger() throws Exception {
        try (ModelControllerClient controller = this.server.managementClient()) {
            Management management = new Management(controller);
            addSecurityDomain(management);
            assertEquals(404, this.get("/lbloglevel?logLevel=DEBUG", null).statusCode(), "off by default");
            assertEquals(404, this.get("/lbstop", basic(USER, PASSWORD)).statusCode(), "off by default");


            // batch: write admin-security-domain=lb-admins, admin-endpoints=true {allow-resource-service-restart=true}
            ModelNode enabled = management.execute(Management.restarting(Operations.CompositeOperationBuilder.create()
                    .addStep(Operations.createWriteAttributeOperation(Management.SUBSYSTEM, "admin-security-domain", "lb-admins"))
                    .addStep(Operations.createWriteAttributeOperation(Management.SUBSYSTEM, "admin-endpoints", true))
                    .build().getOperation()));
            assertTrue(Operations.isSuccessfulOutcome(enabled), enabled::toString);
            assertFalse(enabled.get("response-headers").hasDefined("operation-requires-reload"), enabled::toString);
            // a new client: a kept-alive connection to the statistics endpoint outlives the endpoint's restart and goes
            // on being served by the stopped balancer's handler (HttpEndpoint.stop closes only the listener)
            this.client = HttpClient.newHttpClient();

            HttpResponse<String> anonymous = this.get("/lbloglevel?logLevel=DEBUG", null);
            assertEquals(401, anonymous.statusCode());
            assertTrue(anonymous.headers().firstValue("WWW-Authenticate").orElse("").startsWith("Basic"), anonymous.headers().toString());
            assertEquals(401, this.get("/lbloglevel?logLevel=DEBUG", basic(USER, "wrong")).statusCode());
            assertEquals(401, this.get("/lbstop", basic("nobody", PASSWORD)).statusCode());
            assertTrue(this.server.isRunning(), "a refused /lbstop stops nothing");

            HttpResponse<String> changed = this.get("/lbloglevel?logLevel=DEBUG", basic(USER, PASSWORD));
            assertEquals(200, changed.statusCode(), changed.body());
            assertEquals("Log level changed", changed.body());
            // /subsystem=logging/logger=org.restcomm.lb:read-attribute(name=level)
            assertEquals("DEBUG", management.read(LOGGER, "level").asString());

            // the original's query parameters still work
            assertEquals(200, this.get("/lbloglevel?logLevel=WARN&login=" + USER + "&password=" + PASSWORD, null).statusCode());
            assertEquals("WARN", management.read(LOGGER, "level").asString());

            HttpResponse<String> bad = this.get("/lbloglevel?logLevel=LOUD", basic(USER, PASSWORD));
            assertEquals(400, bad.statusCode());
            assertTrue(bad.body().contains("LOUD"), bad.body());
            assertEquals("WARN", management.read(LOGGER, "level").asString(), "nothing changed");

            // /lbnoderegex, as the original's RegexTest: set a route, take it away, and a second removal finds none
            assertEquals(401, this.get("/lbnoderegex?regex=(-)&ip=127.0.0.1&port=4060", null).statusCode());
            HttpResponse<String> set = this.get("/lbnoderegex?regex=(-)&ip=127.0.0.1&port=4060", basic(USER, PASSWORD));
            assertEquals(List.of(200, "Regex set"), List.of(set.statusCode(), set.body()));
            assertEquals(200, this.get("/lbnoderegex?regex=(-)", basic(USER, PASSWORD)).statusCode(), "regex alone removes it");
            HttpResponse<String> none = this.get("/lbnoderegex?regex=(-)", basic(USER, PASSWORD));
            assertEquals(400, none.statusCode());
            assertTrue(none.body().startsWith("Regex NOT set"), none.body());
            assertEquals(400, this.get("/lbnoderegex?regex=(unclosed&ip=127.0.0.1&port=4060", basic(USER, PASSWORD)).statusCode(), "a bad regex");

            // /subsystem=load-balancer:write-attribute(name=admin-endpoints, value=false) applies at once
            management.success(Operations.createWriteAttributeOperation(Management.SUBSYSTEM, "admin-endpoints", false));
            assertEquals(404, this.get("/lbloglevel?logLevel=DEBUG", basic(USER, PASSWORD)).statusCode());

            // batch: undefine admin-endpoints, admin-security-domain {allow-resource-service-restart=true}
            management.success(Management.restarting(Operations.CompositeOperationBuilder.create()
                    .addStep(Operations.createUndefineAttributeOperation(Management.SUBSYSTEM, "admin-endpoints"))
                    .addStep(Operations.createUndefineAttributeOperation(Management.SUBSYSTEM, "admin-security-domain"))
                    .build().getOperation()));
            // admin-endpoints without a security domain is refused, naming what it needs
            ModelNode alone = management.write(Management.SUBSYSTEM, "admin-endpoints", ModelNode.TRUE);
            assertFalse(Operations.isSuccessfulOutcome(alone), alone::toString);
            assertTrue(Operations.getFailureDescription(alone).asString().contains("admin-security-domain"), alone::toString);
            // a security domain that does not exist is refused
            ModelNode dangling = management.write(Management.SUBSYSTEM, "admin-security-domain", new ModelNode("nowhere"));
            assertFalse(Operations.isSuccessfulOutcome(dangling), dangling::toString);
            assertTrue(Operations.getFailureDescription(dangling).asString().contains("nowhere"), dangling::toString);
        }
    }

    private HttpResponse<String> get(String path, String authorization) throws Exception {
        return get(this.client, 2006 + PORT_OFFSET, path, authorization);
    }

    static HttpResponse<String> get(HttpClient client, int statisticsPort, String path, String authorization) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + statisticsPort + path));
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        return client.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    static String basic(String user, String password) {
        return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    }
}
