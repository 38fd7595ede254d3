package org.restcomm.lb.test;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.URI;
import java.nio.file.Path;
import java.util.Map;

import org.jboss.as.controller.client.ModelControllerClient;
import org.jboss.as.controller.client.helpers.Operations;
import org.jboss.dmr.ModelNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The server the README's run command builds, launched by its own bin/standalone.sh and standalone.conf as a user
 * launches it, takes IPv6 listeners and carries sipp calls over ::1: WildFly's launch scripts would force
 * -Djava.net.preferIPv4Stack=true, which keeps every socket off IPv6 (SipIpv6TestCase's server is started by
 * Arquillian, which never reads standalone.conf).
 */
public class DistServerIpv6TestCase {

    /** 5060, 2610 and 9990 move by this much; RealNodesTestCase uses 100 and 200, the admin and migration tests 400 to 600. */
    private static final int OFFSET = 300;
    private static final long SESSION = 97701L;
    private static final NodeServer DIST = NodeServer.distCopy("dist-ipv6", OFFSET);

    @BeforeAll
    static void startDistServer() throws Exception {
        DIST.prepare();
        DIST.start();
        DIST.awaitStarted();
    }

    @AfterAll
    static void stopDistServer() throws Exception {
        DIST.close();
    }

    @Test
    public void ipv6ListenersOfTheDistServerCarryCallsToAnIpv6Node() throws Exception {
        try (ModelControllerClient client = DIST.managementClient()) {
            Management dist = new Management(client);
            // /core-service=platform-mbean/type=runtime:read-attribute(name=system-properties)
            ModelNode properties = dist.read(Operations.createAddress("core-service", "platform-mbean", "type", "runtime"), "system-properties");
            assertEquals("false", properties.get("java.net.preferIPv4Stack").asString(), "bin/standalone.conf leaves the JVM dual-stack");

            // /interface=load-balancer-ipv6:add(inet-address=::1)
            ModelNode addInterface = Operations.createAddOperation(Operations.createAddress("interface", "load-balancer-ipv6"));
            addInterface.get("inet-address").set("::1");
            dist.success(addInterface);
            for (Map.Entry<String, Integer> listener : Map.of("external-udp-v6", 5160, "internal-udp-v6", 5165).entrySet()) {
                String name = listener.getKey();
                // /socket-binding-group=standard-sockets/socket-binding=load-balancer-sip-external-udp-v6:add(interface=load-balancer-ipv6, port=5160)
                ModelNode binding = Operations.createAddOperation(Operations.createAddress("socket-binding-group", "standard-sockets", "socket-binding",
                        "load-balancer-sip-" + name));
                binding.get("interface").set("load-balancer-ipv6");
                binding.get("port").set(listener.getValue());
                dist.success(binding);
                // /subsystem=load-balancer/sip=default/listener=external-udp-v6:add(side=external, transport=udp, socket-binding=...){allow-resource-service-restart=true}
                ModelNode add = Operations.createAddOperation(Operations.createAddress("subsystem", "load-balancer", "sip", "default", "listener", name));
                add.get("side").set(name.startsWith("external") ? "external" : "internal");
                add.get("transport").set("udp");
                add.get("socket-binding").set("load-balancer-sip-" + name);
                dist.success(Management.restarting(add));
            }
            // the port offset moves the IPv6 bindings too
            int external = 5160 + OFFSET;

            Path directory = Sipp.workDirectory();
            HeartbeatClient heartbeats = new HeartbeatClient(URI.create("http://127.0.0.1:" + (2610 + OFFSET) + "/"));
            try (Sipp node = Sipp.uas("u1", "::1", 5391, 3, directory)) {
                Thread.sleep(500);
                assertEquals(200, heartbeats.start(Map.of("hostName", "dist-node-v6", "ip", "::1", "udpPort", "5391", "version", "1",
                        "sessionId", Long.toString(SESSION))).status());
                try (Sipp caller = Sipp.uac("u1", "::1", "[::1]:" + external, 5392, 3, 3, directory)) {
                    assertEquals(0, caller.await(60), () -> "every call over IPv6 completes through the dist server: " + caller.output());
                }
                assertEquals(0, node.await(10), () -> "the IPv6 node took the 3 calls: " + node.output());
                // /subsystem=load-balancer/node=[::1]\:5391:read-attribute(name=calls-assigned)
                assertEquals(3L, dist.read(Management.node("[::1]:5391"), "calls-assigned").asLong());
            } finally {
                heartbeats.command("stop", SESSION);
            }
        }
    }
}
