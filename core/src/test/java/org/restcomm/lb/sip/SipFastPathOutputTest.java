package org.restcomm.lb.sip;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

/** The datagram under construction writes text as UTF-8, ASCII character by character and anything else encoded. */
class SipFastPathOutputTest {

    @Test
    void headersAreWrittenInUtf8WhetherOrNotTheyAreAscii() {
        SipFastPath.Output out = new SipFastPath.Output();
        out.header("Via", "SIP/2.0/UDP 10.0.0.1:5060;branch=z9hG4bK-1");
        out.header("Subject", "caf\u00e9 \u2615 ok");
        String written = new String(out.buffer(), 0, out.length(), StandardCharsets.UTF_8);
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
}
