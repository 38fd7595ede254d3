package org.restcomm.lb.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;

import org.junit.jupiter.api.Test;

class CidrTest {

    @Test
    void matchesIpv4AndIpv6Networks() throws Exception {
        assertTrue(Cidr.parse("10.0.0.0/8").contains(InetAddress.getByName("10.200.3.4")));
        assertFalse(Cidr.parse("10.0.0.0/8").contains(InetAddress.getByName("11.0.0.1")));
        assertTrue(Cidr.parse("192.168.1.7").contains(InetAddress.getByName("192.168.1.7")));
        assertFalse(Cidr.parse("192.168.1.7").contains(InetAddress.getByName("192.168.1.8")));
        assertTrue(Cidr.parse("0.0.0.0/0").contains(InetAddress.getByName("8.8.8.8")));
        assertTrue(Cidr.parse("fd00::/8").contains(InetAddress.getByName("fd12::1")));
        assertFalse(Cidr.parse("fd00::/8").contains(InetAddress.getByName("fe80::1")));
        assertFalse(Cidr.parse("fd00::/8").contains(InetAddress.getByName("10.0.0.1")));
        assertEquals("127.0.0.0/8", Cidr.parse(" 127.0.0.0/8 ").toString());
    }

    @Test
    void refusesWhatIsNotACidrWithoutLookingItUp() {
        for (String bad : new String[] { "", "example.org", "10.0.0.0/33", "10.0.0/8", "::1/129", "10.0.0.0/x", "300.1.1.1", "10.0.0.0/-1" }) {
            assertThrows(IllegalArgumentException.class, () -> Cidr.parse(bad), bad);
        }
    }

    @Test
    void ipv4MappedSourcesMatchIpv4Networks() throws Exception {
        HeartbeatAdmission admission = new HeartbeatAdmission(java.time.Clock.systemUTC());
        admission.setAllowedSources(NodeSource.SIP, java.util.List.of(Cidr.parse("10.0.0.0/8")));
        assertTrue(admission.allows(NodeSource.SIP, InetAddress.getByAddress(new byte[] { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, (byte) 0xff, (byte) 0xff, 10, 1, 2, 3 })));
        assertFalse(admission.allows(NodeSource.SIP, InetAddress.getByName("11.1.2.3")));
        assertTrue(admission.allows(NodeSource.HTTP, InetAddress.getByName("11.1.2.3")));
    }
}
