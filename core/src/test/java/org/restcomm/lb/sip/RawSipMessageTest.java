package org.restcomm.lb.sip;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

/** The in-place framer of the UDP fast path: what it reads, and what it leaves to jain-sip's full parser. */
class RawSipMessageTest {

    private static final String INVITE = "INVITE sip:bob@example.com SIP/2.0\r\n"
            + "Via: SIP/2.0/UDP 10.0.0.1:5070;branch=z9hG4bK-1;rport\r\n"
            + "Max-Forwards: 70\r\n"
            + "From: \"Alice\" <sip:alice@example.com>;tag=a1\r\n"
            + "To: <sip:bob@example.com>\r\n"
            + "Call-ID: raw-1@10.0.0.1\r\n"
            + "CSeq: 1 INVITE\r\n"
            + "Content-Length: 4\r\n\r\nbody";

    @Test
    void readsWhatRoutingNeeds() {
        RawSipMessage message = frame(INVITE);
        assertNotNull(message);
        assertTrue(message.request);
        assertEquals("INVITE", message.method());
        assertEquals("raw-1@10.0.0.1", message.callId());
        assertEquals("alice", message.fromUser());
        assertEquals("bob", message.toUser());
        assertFalse(message.inDialog());
        assertEquals(70, message.maxForwards());
        assertEquals(4, message.contentLength());
        assertEquals("sip:bob@example.com", message.requestUri());
        assertEquals("z9hG4bK-1", RawSipMessage.parameter(message.value("via"), "branch"));
        assertEquals("", RawSipMessage.parameter(message.value("via"), "rport"), "a parameter without value");
    }

    @Test
    void parametersAreFoundWhateverTheirCaseAndSpacingAndNeverInsideTheAddress() {
        String via = "SIP/2.0/UDP h:5060 ; Branch = z9hG4bK-x ;rport ; received=10.0.0.1;maddr";
        assertEquals("z9hG4bK-x", RawSipMessage.parameter(via, "branch"));
        assertEquals("", RawSipMessage.parameter(via, "RPORT"));
        assertEquals("10.0.0.1", RawSipMessage.parameter(via, "received"));
        assertEquals("", RawSipMessage.parameter(via, "maddr"), "the last one, without value");
        assertNull(RawSipMessage.parameter(via, "ttl"));
        assertNull(RawSipMessage.parameter(via, "rpor"), "a prefix of a name is not the name");
        assertNull(RawSipMessage.parameter("<sip:b@h;tag=inside>", "tag"), "a URI parameter is not the header's");
        assertEquals("outside", RawSipMessage.parameter("<sip:b@h;tag=inside>;tag=outside", "tag"));
    }

    @Test
    void compactFormsAreTheFullNames() {
        RawSipMessage message = frame("SIP/2.0 180 Ringing\r\nv: SIP/2.0/UDP h;branch=z9hG4bK-2\r\nf: <sip:a@h>;tag=1\r\n"
                + "t: <sip:b@h>;tag=2\r\ni: compact\r\nCSeq: 7 INVITE\r\nl: 0\r\n\r\n");
        assertNotNull(message);
        assertFalse(message.request);
        assertEquals(180, message.statusCode);
        assertEquals("compact", message.callId());
        assertEquals("INVITE", message.method(), "a response's method is its CSeq's");
        assertTrue(message.inDialog());
    }

    @Test
    void leavesUnusualFramingToTheFullParser() {
        assertNull(frame(INVITE.replace("Max-Forwards: 70\r\n", "Max-Forwards: 70\r\n  folded\r\n")), "folded line");
        assertNull(frame(INVITE.replace("Max-Forwards: 70\r\n", "Max-Forwards: 70\n")), "bare LF");
        assertNull(frame(INVITE.replace("Content-Length: 4", "Content-Length: 9")), "body shorter than declared");
        assertNull(frame(INVITE.replace("Content-Length: 4\r\n", "")), "no Content-Length");
        assertNull(frame(INVITE.replace("Call-ID: raw-1@10.0.0.1\r\n", "")), "no Call-ID");
        assertNull(frame(INVITE.replace(" SIP/2.0\r\n", " SIP/3.0\r\n")), "another SIP version");
        assertNull(frame("\u0000\u0001garbage"), "garbage");
        assertNull(frame("SIP/2.0 99 Odd\r\n\r\n"), "a status out of range");
        assertNull(frame("INVITE SIP/2.0\r\nVia: SIP/2.0/UDP h;branch=z9hG4bK-1\r\nFrom: <sip:a@h>;tag=1\r\nTo: <sip:b@h>\r\nCall-ID: 1\r\n"
                + "CSeq: 1 INVITE\r\nContent-Length: 0\r\n\r\n"), "no Request-URI");
    }

    private static RawSipMessage frame(String text) {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        return RawSipMessage.frame(bytes, bytes.length);
    }
}
