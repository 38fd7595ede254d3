package org.restcomm.lb.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

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
}
