package org.restcomm.lb.test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import javax.sip.header.RecordRouteHeader;
import javax.sip.header.ViaHeader;
import javax.sip.message.Request;

import org.jboss.as.controller.client.helpers.Operations;
import org.jboss.dmr.ModelNode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * IPv6 listeners next to the default IPv4 ones, the original's ipv6Host and IPv6 ports: ordinary listeners on
 * socket-bindings of an interface on ::1. sipp and jain-sip callers and nodes on ::1 and on 127.0.0.1: each family's
 * calls stay on that family's nodes, through Record-Routes naming the listeners of the family in brackets.
 */
public class SipIpv6TestCase extends LoadBalancerTestCase {

    private static final ModelNode INTERFACE = Operations.createAddress("interface", "load-balancer-ipv6");
    private static final Map<String, Integer> LISTENERS = Map.of("external-udp-v6", 5160, "internal-udp-v6", 5165);
    private static final long SESSION_V6 = 97601L;
    private static final long SESSION_V4 = 97602L;

    @BeforeEach
    public void addIpv6Listeners() {
        ModelNode interfaces = Operations.createOperation("read-children-names", new ModelNode().setEmptyList());
        interfaces.get("child-type").set("interface");
        if (!this.management.success(interfaces).asList().contains(new ModelNode("load-balancer-ipv6"))) {
            // /interface=load-balancer-ipv6:add(inet-address=::1)
            ModelNode addInterface = Operations.createAddOperation(INTERFACE);
            addInterface.get("inet-address").set("::1");
            this.management.success(addInterface);
        }
        LISTENERS.forEach((name, port) -> {
            // /socket-binding-group=standard-sockets/socket-binding=load-balancer-sip-external-udp-v6:add(interface=load-balancer-ipv6, port=5160)
            ModelNode binding = Operations.createAddOperation(binding(name));
            binding.get("interface").set("load-balancer-ipv6");
            binding.get("port").set(port);
            this.management.success(binding);
            // /subsystem=load-balancer/sip=default/listener=external-udp-v6:add(side=external, transport=udp, socket-binding=load-balancer-sip-external-udp-v6){allow-resource-service-restart=true}
            ModelNode listener = Operations.createAddOperation(listener(name));
            listener.get("side").set(name.startsWith("external") ? "external" : "internal");
            listener.get("transport").set("udp");
            listener.get("socket-binding").set("load-balancer-sip-" + name);
            this.management.success(Management.restarting(listener));
        });
    }

    @AfterEach
    public void removeIpv6Listeners() throws Exception {
        this.heartbeats.command("stop", SESSION_V6);
        this.heartbeats.command("stop", SESSION_V4);
        for (String name : LISTENERS.keySet()) {
            // /subsystem=load-balancer/sip=default/listener=external-udp-v6:remove(){allow-resource-service-restart=true}
            this.management.success(Management.restarting(Operations.createRemoveOperation(listener(name))));
            // /socket-binding-group=standard-sockets/socket-binding=load-balancer-sip-external-udp-v6:remove(){allow-resource-service-restart=true}
            this.management.success(Management.restarting(Operations.createRemoveOperation(binding(name))));
        }
        // the interface stays: removing one needs a reload, which would end the suite's server
    }

    @Test
    public void ipv6AndIpv4CallersEachReachTheirOwnFamilysNode() throws Exception {
        Path directory = Sipp.workDirectory();
        // each node exits after exactly its family's calls: one call of the other family would leave it waiting
        try (Sipp node6 = Sipp.uas("u1", "::1", 5191, 5, directory); Sipp node4 = Sipp.uas("u1", "127.0.0.1", 5192, 5, directory)) {
            Thread.sleep(500);
            this.heartbeats.start(Map.of("hostName", "node-v6", "ip", "::1", "udpPort", "5191", "version", "1", "sessionId", Long.toString(SESSION_V6)));
            this.heartbeats.start(Map.of("hostName", "node-v4", "ip", "127.0.0.1", "udpPort", "5192", "version", "1", "sessionId", Long.toString(SESSION_V4)));
            try (Sipp caller6 = Sipp.uac("u1", "::1", "[::1]:5160", 5171, 5, 5, directory);
                    Sipp caller4 = Sipp.uac("u1", "127.0.0.1", "127.0.0.1:5060", 5172, 5, 5, directory)) {
                assertEquals(0, caller6.await(60), () -> "every IPv6 call completes: " + caller6.output());
                assertEquals(0, caller4.await(60), () -> "every IPv4 call completes: " + caller4.output());
            }
            assertEquals(0, node6.await(10), () -> "the IPv6 node took the 5 IPv6 calls: " + node6.output());
            assertEquals(0, node4.await(10), () -> "the IPv4 node took the 5 IPv4 calls: " + node4.output());
            // /subsystem=load-balancer/node=[::1]\:5191:read-attribute(name=calls-assigned)
            assertEquals(5L, this.management.read(Management.node("[::1]:5191"), "calls-assigned").asLong());
            assertEquals(5L, this.management.read(Management.node("127.0.0.1:5192"), "calls-assigned").asLong());
        }
    }

    @Test
    public void jainSipCallOverIpv6GoesThroughBracketedRecordRoutesToTheIpv6Node() throws Exception {
        try (SipAgent node = SipAgent.on("::1", 5193, false); SipAgent caller = SipAgent.on("::1", 5173, true)) {
            this.heartbeats.start(Map.of("hostName", "jain-sip-v6", "ip", "::1", "udpPort", "5193", "version", "1", "sessionId", Long.toString(SESSION_V6)));
            SipAgent.Call call = caller.call("udp", 5160, "alice-v6");
            call.awaitAnswer();
            Request invite = node.awaitRequest(Request.INVITE, 5000);
            ViaHeader top = (ViaHeader) invite.getHeader(ViaHeader.NAME);
            assertEquals(5165, top.getPort(), "the node is reached from the IPv6 internal listener");
            List<String> recordRoutes = new ArrayList<>();
            invite.getHeaders(RecordRouteHeader.NAME).forEachRemaining(header -> recordRoutes.add(header.toString().trim()));
            assertTrue(recordRoutes.get(0).contains(":5165;node_host=::1;") && recordRoutes.get(0).contains("sip:["), recordRoutes.get(0));
            assertTrue(recordRoutes.get(1).contains(":5160;node_host=::1;") && recordRoutes.get(1).contains("sip:["), recordRoutes.get(1));

            call.hangUp();
            assertNotNull(node.awaitRequest(Request.BYE, 5000), "the caller's BYE follows the bracketed Record-Route set to the node");
        }
    }

    private static ModelNode binding(String name) {
        return Operations.createAddress("socket-binding-group", "standard-sockets", "socket-binding", "load-balancer-sip-" + name);
    }

    private static ModelNode listener(String name) {
        return Operations.createAddress("subsystem", "load-balancer", "sip", "default", "listener", name);
    }
}
