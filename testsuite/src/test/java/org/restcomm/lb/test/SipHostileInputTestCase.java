package org.restcomm.lb.test;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;

import org.jboss.as.controller.client.helpers.Operations;
import org.jboss.dmr.ModelNode;
import org.junit.jupiter.api.Test;

/**
 * Hostile SIP input against the provisioned server, each followed by a request that must still be answered: the
 * grammar's answers (400, 505), a forged response that must not be reflected, and the stream connection timeouts and
 * write bound set through jboss-cli. No node is registered, so a request that gets through is answered 503.
 */
public class SipHostileInputTestCase extends LoadBalancerTestCase {

    private static final ModelNode SIP = Operations.createAddress("subsystem", "load-balancer", "sip", "default");

    @Test
    public void grammarViolationsAreAnsweredAndCountedOverUdpAndTcp() throws Exception {
        long before = this.metric("sip-malformed-messages");
        String duplicateLength = invite("SIP/2.0/UDP 127.0.0.1:%d;rport", "dup-cl").replace("Content-Length: 0", "Content-Length: 5\r\nl: 7");
        String version = invite("SIP/2.0/UDP 127.0.0.1:%d;rport", "v7").replace("127.0.0.1 SIP/2.0", "127.0.0.1 SIP/7.0");
        String cseq = invite("SIP/2.0/UDP 127.0.0.1:%d;rport", "cseq").replace("CSeq: 1 INVITE", "CSeq: 1 BYE");
        try (DatagramSocket client = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
            client.setSoTimeout(5000);
            assertTrue(udpAnswer(client, duplicateLength).startsWith("SIP/2.0 400 "));
            assertTrue(udpAnswer(client, version).startsWith("SIP/2.0 505 "));
            assertTrue(udpAnswer(client, cseq).startsWith("SIP/2.0 400 "));
            assertTrue(udpAnswer(client, invite("SIP/2.0/UDP 127.0.0.1:%d;rport", "udp-after")).startsWith("SIP/2.0 503"), "a good request still gets through");
        }
        try (Socket client = new Socket(InetAddress.getLoopbackAddress(), 5060)) {
            client.setSoTimeout(5000);
            client.getOutputStream().write(version.replace("SIP/2.0/UDP 127.0.0.1:%d;rport", "SIP/2.0/TCP 127.0.0.1:6001").getBytes(StandardCharsets.UTF_8));
            assertTrue(readAnswer(client).startsWith("SIP/2.0 505 "));
            client.getOutputStream().write(invite("SIP/2.0/TCP 127.0.0.1:6001", "tcp-after").getBytes(StandardCharsets.UTF_8));
            assertTrue(readAnswer(client).startsWith("SIP/2.0 503"), "the framing held, so the connection carries on");
        }
        // /subsystem=load-balancer:read-attribute(name=sip-malformed-messages)
        Management.await("four refusals counted", 5000, () -> this.metric("sip-malformed-messages") == before + 4);
    }

    @Test
    public void aForgedResponseIsNotReflectedToTheHostItNames() throws Exception {
        long before = this.metric("sip-malformed-messages");
        try (DatagramSocket victim = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
                DatagramSocket attacker = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
            victim.setSoTimeout(2000);
            byte[] forged = ("SIP/2.0 200 OK\r\nVia: SIP/2.0/UDP 127.0.0.1:5060;branch=z9hG4bK-forged_0\r\n"
                    + "Via: SIP/2.0/UDP 127.0.0.1:" + victim.getLocalPort() + ";branch=z9hG4bK-victim\r\n"
                    + "From: <sip:a@example.com>;tag=1\r\nTo: <sip:b@example.com>;tag=2\r\nCall-ID: forged\r\nCSeq: 1 INVITE\r\nContent-Length: 0\r\n\r\n")
                    .getBytes(StandardCharsets.UTF_8);
            attacker.send(new DatagramPacket(forged, forged.length, InetAddress.getLoopbackAddress(), 5060));
            boolean reflected;
            try {
                victim.receive(new DatagramPacket(new byte[2048], 2048));
                reflected = true;
            } catch (SocketTimeoutException e) {
                reflected = false;
            }
            assertFalse(reflected, "the balancer relayed a response it never asked for");
        }
        Management.await("the forged response counted", 5000, () -> this.metric("sip-malformed-messages") == before + 1);
    }

    @Test
    public void streamConnectionLimitsSetThroughTheModelCutSlowAndIdleClients() throws Exception {
        long malformed = this.metric("sip-malformed-messages");
        ModelNode batch = Operations.CompositeOperationBuilder.create()
                // /subsystem=load-balancer/sip=default:write-attribute(name=first-message-timeout, value=500)
                .addStep(Operations.createWriteAttributeOperation(SIP, "first-message-timeout", 500))
                // /subsystem=load-balancer/sip=default:write-attribute(name=connection-idle-timeout, value=1)
                .addStep(Operations.createWriteAttributeOperation(SIP, "connection-idle-timeout", 1))
                // /subsystem=load-balancer/sip=default:write-attribute(name=max-queued-bytes, value=65536)
                .addStep(Operations.createWriteAttributeOperation(SIP, "max-queued-bytes", 65536))
                // /subsystem=load-balancer/sip=default:write-attribute(name=write-stall-timeout, value=5000)
                .addStep(Operations.createWriteAttributeOperation(SIP, "write-stall-timeout", 5000))
                .build().getOperation();
        // run-batch --headers={allow-resource-service-restart=true}
        ModelNode outcome = this.management.execute(Management.restarting(batch));
        assertTrue(Operations.isSuccessfulOutcome(outcome), outcome::toString);
        try {
            try (Socket slowloris = new Socket(InetAddress.getLoopbackAddress(), 5060)) {
                slowloris.getOutputStream().write("INVITE sip:bob@127.0.0.1 SIP/2.0\r\nVia: SIP/2.0/TCP 127.0.0.1:6003\r\n".getBytes(StandardCharsets.UTF_8));
                assertTrue(closedWithin(slowloris, 10_000), "a client that never finishes its first message is cut");
            }
            Management.await("the slowloris counted", 5000, () -> this.metric("sip-malformed-messages") == malformed + 1);
            try (Socket idle = new Socket(InetAddress.getLoopbackAddress(), 5060)) {
                idle.setSoTimeout(5000);
                idle.getOutputStream().write(invite("SIP/2.0/TCP 127.0.0.1:6004", "idle").getBytes(StandardCharsets.UTF_8));
                assertTrue(readAnswer(idle).startsWith("SIP/2.0 503"));
                assertTrue(closedWithin(idle, 10_000), "an idle connection is closed after connection-idle-timeout");
            }
            // /subsystem=load-balancer:read-attribute(name=sip-stalled-connections)
            assertTrue(this.metric("sip-stalled-connections") >= 0);
        } finally {
            ModelNode reset = Operations.CompositeOperationBuilder.create()
                    .addStep(Operations.createUndefineAttributeOperation(SIP, "first-message-timeout"))
                    .addStep(Operations.createUndefineAttributeOperation(SIP, "connection-idle-timeout"))
                    .addStep(Operations.createUndefineAttributeOperation(SIP, "max-queued-bytes"))
                    .addStep(Operations.createUndefineAttributeOperation(SIP, "write-stall-timeout"))
                    .build().getOperation();
            this.management.success(Management.restarting(reset));
        }
    }

    @Test
    public void badConnectionValuesAreRefusedNamingTheAttribute() throws Exception {
        // /subsystem=load-balancer/sip=default:write-attribute(name=max-queued-bytes, value=10)
        ModelNode outcome = this.management.execute(Operations.createWriteAttributeOperation(SIP, "max-queued-bytes", 10));
        assertFalse(Operations.isSuccessfulOutcome(outcome));
        assertTrue(Operations.getFailureDescription(outcome).asString().contains("max-queued-bytes"), outcome::toString);
        // /subsystem=load-balancer/sip=default:write-attribute(name=first-message-timeout, value=0)
        outcome = this.management.execute(Operations.createWriteAttributeOperation(SIP, "first-message-timeout", 0));
        assertFalse(Operations.isSuccessfulOutcome(outcome));
        assertTrue(Operations.getFailureDescription(outcome).asString().contains("first-message-timeout"), outcome::toString);
    }

    private long metric(String name) {
        return this.management.read(Management.SUBSYSTEM, name).asLong();
    }

    private static String udpAnswer(DatagramSocket client, String request) throws IOException {
        byte[] bytes = String.format(request, client.getLocalPort()).getBytes(StandardCharsets.UTF_8);
        client.send(new DatagramPacket(bytes, bytes.length, InetAddress.getLoopbackAddress(), 5060));
        while (true) {
            DatagramPacket packet = new DatagramPacket(new byte[8192], 8192);
            client.receive(packet);
            String answer = new String(packet.getData(), 0, packet.getLength(), StandardCharsets.UTF_8);
            if (!answer.startsWith("SIP/2.0 100 ")) {
                return answer;
            }
        }
    }

    /** The next answer on the connection other than 100 Trying. */
    private static String readAnswer(Socket socket) throws IOException {
        InputStream in = socket.getInputStream();
        while (true) {
            StringBuilder head = new StringBuilder();
            while (!head.toString().endsWith("\r\n\r\n")) {
                int next = in.read();
                if (next < 0) {
                    return head.toString();
                }
                head.append((char) next);
            }
            if (!head.toString().startsWith("SIP/2.0 100 ")) {
                return head.toString();
            }
        }
    }

    private static boolean closedWithin(Socket socket, int millis) throws IOException {
        socket.setSoTimeout(millis);
        try {
            while (socket.getInputStream().read() >= 0) {
                // answers
            }
            return true;
        } catch (SocketTimeoutException e) {
            return false;
        } catch (IOException e) {
            return true;
        }
    }

    private static String invite(String via, String callId) {
        return "INVITE sip:bob@127.0.0.1 SIP/2.0\r\n"
                + "Via: " + via + ";branch=z9hG4bK-" + callId + "\r\n"
                + "Max-Forwards: 70\r\n"
                + "From: <sip:alice@example.com>;tag=a1\r\n"
                + "To: <sip:bob@127.0.0.1>\r\n"
                + "Call-ID: " + callId + "\r\n"
                + "CSeq: 1 INVITE\r\n"
                + "Content-Length: 0\r\n\r\n";
    }
}
