package org.restcomm.lb.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class HostAndPortTest {

    @Test
    void readsEveryShapeOfAddress() {
        assertEquals(new HostAndPort("sip.example.com", 5060), HostAndPort.parse("sip.example.com", 5060));
        assertEquals(new HostAndPort("10.0.0.1", 5080), HostAndPort.parse(" 10.0.0.1:5080 ", 5060));
        assertEquals(new HostAndPort("::1", 5080), HostAndPort.parse("[::1]:5080", 5060));
        assertEquals(new HostAndPort("fe80::1", 5060), HostAndPort.parse("fe80::1", 5060));
    }

    @Test
    void rejectsBrokenAddresses() {
        for (String text : new String[] { "", ":5060", "host:", "host:0", "host:70000", "host:abc", "[::1", "[::1]x" }) {
            assertThrows(IllegalArgumentException.class, () -> HostAndPort.parse(text, 5060), text);
        }
    }

    @Test
    void onlyRealLiteralsHaveAnAddressAndNoneIsLookedUp() throws Exception {
        assertEquals(java.net.InetAddress.getByName("10.0.0.1"), HostAndPort.literalAddress("10.0.0.1"));
        assertEquals(java.net.InetAddress.getByName("::1"), HostAndPort.literalAddress("[::1]"));
        assertTrue(HostAndPort.isDottedQuad("255.255.255.255"));
        for (String notALiteral : new String[] { "999.1.1.1", "10.0.0.256", "10.0.0", "10.0.0.1.", "1.2.3.-4", "1.2.3.0004", "node.example.com" }) {
            // taken for a literal, such a host would go to getByName, which asks DNS for what it cannot parse
            assertFalse(HostAndPort.isDottedQuad(notALiteral), notALiteral);
            assertNull(HostAndPort.literalAddress(notALiteral), notALiteral);
        }
    }
}
