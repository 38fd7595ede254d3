package org.restcomm.lb.sip;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.restcomm.lb.node.Node;
import org.restcomm.lb.node.NodeAdvertisement;
import org.restcomm.lb.node.NodeRegistry;
import org.restcomm.lb.node.NodeSource;

/**
 * The datagram under construction: text written as UTF-8, and the balancer's own headers and the client's Via
 * written from the datagram's bytes exactly as the full path's rules ({@link SipRules}) write them as text.
 */
class SipFastPathOutputTest {

    private static final SipListenerSettings INTERNAL = new SipListenerSettings(Side.INTERNAL, Transport.UDP, new InetSocketAddress("127.0.0.1", 5065),
            "127.0.0.1", 5065, false);
    private static final SipListenerSettings EXTERNAL_BEHIND_IP_BALANCER = new SipListenerSettings(Side.EXTERNAL, Transport.UDP,
            new InetSocketAddress("127.0.0.1", 5060), "203.0.113.7", 15060, false);

    @Test
    void headersAreWrittenInUtf8WhetherOrNotTheyAreAscii() {
        SipFastPath.Output out = new SipFastPath.Output();
        out.header("Via", "SIP/2.0/UDP 10.0.0.1:5060;branch=z9hG4bK-1");
        out.header("Subject", "caf\u00e9 \u2615 ok");
        String written = written(out);
        assertEquals("Via: SIP/2.0/UDP 10.0.0.1:5060;branch=z9hG4bK-1\r\nSubject: caf\u00e9 \u2615 ok\r\n", written);
        assertEquals(written.getBytes(StandardCharsets.UTF_8).length, out.length());
    }

    @Test
    void theBufferGrowsForALongMessage() {
        SipFastPath.Output out = new SipFastPath.Output();
        String value = "x".repeat(10_000);
        out.header("X-Long", value);
        assertEquals("X-Long: " + value + "\r\n", new String(out.buffer(), 0, out.length(), StandardCharsets.US_ASCII));
    }

    @Test
    void numbersAreWrittenInDecimal() {
        SipFastPath.Output out = new SipFastPath.Output();
        for (int number : new int[] { 0, 7, 69, 70, 100, 5060, 65535, 1_000_000_000, -1 }) {
            out.reset();
            out.decimal(number);
            assertEquals(Integer.toString(number), written(out));
        }
    }

    @Test
    void theClientsViaIsMarkedAsJainSipMarksIt() throws Exception {
        assertEquals("Via: SIP/2.0/UDP 10.0.0.1:5070;branch=z9hG4bK-1;rport=40000;received=192.0.2.9\r\n",
                clientVia("SIP/2.0/UDP 10.0.0.1:5070;branch=z9hG4bK-1;rport", "192.0.2.9", 40000), "rport asked for");
        assertEquals("Via: SIP/2.0/UDP 10.0.0.1:5070;branch=z9hG4bK-1\r\n", clientVia("SIP/2.0/UDP 10.0.0.1:5070;branch=z9hG4bK-1", "10.0.0.1", 5070),
                "nothing to add when it came from where it says");
        assertEquals("Via: SIP/2.0/UDP 10.0.0.1:5070;branch=z9hG4bK-1;received=192.0.2.9\r\n",
                clientVia("SIP/2.0/UDP 10.0.0.1:5070;branch=z9hG4bK-1", "192.0.2.9", 5070), "sent from elsewhere");
        assertEquals("Via: SIP/2.0/UDP 10.0.0.1:5070;received=192.0.2.9; branch=z9hG4bK-1;rport=5070\r\n",
                clientVia("SIP/2.0/UDP 10.0.0.1:5070;received=10.9.9.9; branch=z9hG4bK-1;RPORT", "192.0.2.9", 5070), "stale values replaced");
        assertEquals("Via: SIP/2.0/UDP 10.0.0.1:5070;branch=z9hG4bK-1;received=10.0.0.12\r\n",
                clientVia("SIP/2.0/UDP 10.0.0.1:5070;branch=z9hG4bK-1", "10.0.0.12", 5070), "an address that only starts as the Via's host");
    }

    @Test
    void oneOutputServesMessageAfterMessageFromChangingSenders() throws Exception {
        SipFastPath.Output out = new SipFastPath.Output();
        SipFastPath.ViaEntry via = via("SIP/2.0/UDP 10.0.0.1:5070;branch=z9hG4bK-1;rport");
        for (String sender : new String[] { "192.0.2.9", "192.0.2.10", "10.0.0.1", "192.0.2.9" }) {
            out.reset();
            out.source(InetAddress.getByName(sender), 40000);
            out.clientVia(via);
            assertEquals("Via: SIP/2.0/UDP 10.0.0.1:5070;branch=z9hG4bK-1;rport=40000;received=" + sender + "\r\n", written(out));
        }
    }

    @Test
    void emptyViaParametersAreLeftOutWhenTheViaIsMarked() throws Exception {
        assertEquals("Via: SIP/2.0/UDP 10.0.0.1:5070;branch=z9hG4bK-1;x;received=192.0.2.9\r\n",
                clientVia("SIP/2.0/UDP 10.0.0.1:5070;branch=z9hG4bK-1;;x;", "192.0.2.9", 5070));
    }

    @Test
    void theOwnBranchOfACallIdThatIsNoUtf8IsTheFullPaths() {
        byte[] head = ("INVITE sip:b@example.com SIP/2.0\r\nVia: SIP/2.0/UDP 10.0.0.1:5070;branch=z9hG4bK-1\r\nFrom: <sip:a@x>;tag=1\r\n"
                + "To: <sip:b@x>\r\nCall-ID: ").getBytes(StandardCharsets.US_ASCII);
        // a character cut short: two bytes that decode to one replacement character, so bytes and characters part
        byte[] callId = { (byte) 0xe2, (byte) 0x82, 'a', 'b', 'c', 'd', 'e', 'f' };
        byte[] tail = "\r\nCSeq: 1 INVITE\r\nContent-Length: 0\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
        byte[] bytes = new byte[head.length + callId.length + tail.length];
        System.arraycopy(head, 0, bytes, 0, head.length);
        System.arraycopy(callId, 0, bytes, head.length, callId.length);
        System.arraycopy(tail, 0, bytes, head.length + callId.length, tail.length);
        RawSipMessage message = RawSipMessage.frame(bytes, bytes.length);
        SipFastPath.Output out = new SipFastPath.Output();
        out.ownVia(new SipFastPath.OwnHeaders(INTERNAL), via("SIP/2.0/UDP 10.0.0.1:5070;branch=z9hG4bK-1"), message, Side.INTERNAL, "1");
        String fullPath = SipRules.branch("z9hG4bK-1", new String(callId, StandardCharsets.UTF_8), Side.INTERNAL, "1");
        assertEquals("Via: " + SipRules.via(INTERNAL, fullPath) + "\r\n", written(out));
    }

    @Test
    void aViaIsReadWhereItLies() {
        SipFastPath.ViaEntry via = via("SIP/2.0/udp  10.0.0.1 : 5070 ;branch=z9hG4bK-1;rport=40000;received=192.0.2.9");
        assertEquals(Transport.UDP, via.transport);
        assertEquals("10.0.0.1", new String(via.bytes, via.hostStart, via.hostEnd - via.hostStart, StandardCharsets.US_ASCII));
        assertEquals(5070, via.port);
        assertEquals("192.0.2.9", via.responseHost(new SipFastPath.Output()));
        assertEquals(40000, via.responsePort());
        assertEquals("10.0.0.1", via("SIP/2.0/UDP 10.0.0.1:5070;received=").responseHost(new SipFastPath.Output()), "an empty received");
        assertEquals(5070, via("SIP/2.0/UDP 10.0.0.1:5070;rport").responsePort(), "rport not filled in");
        assertEquals(5060, via("SIP/2.0/TCP host").port);
        assertEquals(Transport.TCP, via("SIP/2.0/TCP host").transport);
        assertEquals(5061, via("SIP/2.0/tls host").port, "TLS's default port");
        assertEquals(Transport.TLS, via("SIP/2.0/tls host").transport);
        assertNull(via("SIP/2.0/SCTP host").transport, "a transport the fast path does not take");
        SipFastPath.ViaEntry unread = new SipFastPath.ViaEntry();
        for (String odd : new String[] { "SIP/2.0/UDP [::1]:5060", "SIP/2.0/UDP host:50x", "SIP/2.0/UDP host;rport=x", "SIP/2.0 UDP host" }) {
            byte[] bytes = odd.getBytes(StandardCharsets.US_ASCII);
            assertFalse(unread.read(bytes, 0, bytes.length), odd);
        }
    }

    @Test
    void theOwnViaIsTheFullPathsWhateverTheBranchAndCallId() {
        String[][] cases = { { "z9hG4bK-1", "abcdefgh@host" }, { null, "12" }, { "z9hG4bK/odd chars", "a b;c@d" }, { "", "x" },
            { "z9hG4bK-2", "\u00e9t\u00e9-\u20ac@h" }, { "z9hG4bK-3", "\ud83d\ude00abcdef" } };
        for (String[] c : cases) {
            String branch = c[0];
            String callId = c[1];
            String via = "SIP/2.0/UDP 10.0.0.1:5070" + ((branch != null) ? ";branch=" + branch : "");
            RawSipMessage message = frame("INVITE sip:b@example.com SIP/2.0\r\nVia: " + via + "\r\nFrom: <sip:a@x>;tag=1\r\nTo: <sip:b@x>\r\n"
                    + "Call-ID: " + callId + "\r\nCSeq: 1 INVITE\r\nContent-Length: 0\r\n\r\n");
            SipFastPath.ViaEntry client = via(via);
            for (Side side : Side.values()) {
                SipFastPath.Output out = new SipFastPath.Output();
                SipListenerSettings listener = (side == Side.INTERNAL) ? INTERNAL : EXTERNAL_BEHIND_IP_BALANCER;
                out.ownVia(new SipFastPath.OwnHeaders(listener), client, message, side, "1.2-SNAPSHOT");
                String expected = "Via: " + SipRules.via(listener, SipRules.branch(branch, callId, side, "1.2-SNAPSHOT")) + "\r\n";
                assertEquals(expected, written(out), branch + " / " + callId + " / " + side);
            }
        }
    }

    @Test
    void theOwnRecordRouteIsTheFullPaths() {
        NodeRegistry registry = new NodeRegistry(Clock.systemUTC(), 60_000);
        Node node = registry.register(new NodeAdvertisement("node", "10.0.0.5", Map.of("udpPort", "5080", "version", "7")), NodeSource.SIP);
        for (SipListenerSettings listener : new SipListenerSettings[] { INTERNAL, EXTERNAL_BEHIND_IP_BALANCER,
            new SipListenerSettings(Side.EXTERNAL, Transport.TCP, new InetSocketAddress("127.0.0.1", 5060), "127.0.0.1", 5060, false) }) {
            SipFastPath.Output out = new SipFastPath.Output();
            out.recordRoute(new SipFastPath.OwnHeaders(listener), node, 5080);
            assertEquals("Record-Route: <" + SipRules.recordRouteUri(listener, node, 5080) + ">\r\n", written(out));
        }
    }

    @Test
    void theTextOfTheSameBytesIsMadeOnce() {
        SipFastPath.Output out = new SipFastPath.Output();
        byte[] first = "xx10.0.0.1yy".getBytes(StandardCharsets.US_ASCII);
        byte[] second = "10.0.0.1".getBytes(StandardCharsets.US_ASCII);
        String text = out.text(first, 2, 10);
        assertEquals("10.0.0.1", text);
        assertSame(text, out.text(second, 0, second.length));
        assertEquals("10.0.0.2", out.text("10.0.0.2".getBytes(StandardCharsets.US_ASCII), 0, 8));
    }

    private static String clientVia(String via, String source, int sourcePort) throws Exception {
        SipFastPath.Output out = new SipFastPath.Output();
        out.source(InetAddress.getByName(source), sourcePort);
        out.clientVia(via(via));
        return written(out);
    }

    private static SipFastPath.ViaEntry via(String text) {
        byte[] bytes = ("Via: " + text).getBytes(StandardCharsets.UTF_8);
        SipFastPath.ViaEntry via = new SipFastPath.ViaEntry();
        assertTrue(via.read(bytes, 5, bytes.length), text);
        return via;
    }

    private static RawSipMessage frame(String text) {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        RawSipMessage message = RawSipMessage.frame(bytes, bytes.length);
        assertTrue(message != null, text);
        return message;
    }

    private static String written(SipFastPath.Output out) {
        return new String(out.buffer(), 0, out.length(), StandardCharsets.UTF_8);
    }
}
