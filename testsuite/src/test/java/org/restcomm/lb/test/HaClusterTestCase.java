package org.restcomm.lb.test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.jboss.as.controller.client.helpers.Operations;
import org.jboss.dmr.ModelNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Two balancers provisioned with the load-balancer-ha layer form one cluster on loopback, and one survives the other's kill -9. */
public class HaClusterTestCase {

    private static final ModelNode CONTAINER = Operations.createAddress("subsystem", "infinispan", "cache-container", HaBalancers.CONTAINER);
    private static final ModelNode JGROUPS_MPING = Operations.createAddress("socket-binding-group", "standard-sockets", "socket-binding", "jgroups-mping");
    private static final HaBalancers BALANCERS = new HaBalancers();

    @BeforeAll
    static void startBalancers() throws Exception {
        BALANCERS.start();
        BALANCERS.startSharedCache();
    }

    @AfterAll
    static void stopBalancers() throws Exception {
        BALANCERS.close();
    }

    @Test
    public void survivingBalancerDropsAKilledOneFromTheViewWithinFailureDetectionTime() throws Exception {
        List<String> both = List.of(BALANCERS.name(0), BALANCERS.name(1));
        for (int i = 0; i < 2; i++) {
            // /subsystem=jgroups/channel=balancers:read-attribute(name=view)
            assertEquals(both, BALANCERS.members(i).stream().sorted().toList(), BALANCERS.name(i) + "'s view");
        }
        for (int i = 0; i < 2; i++) {
            Management management = new Management(BALANCERS.client(i));
            ModelNode channel = BALANCERS.channel(i);
            // JGroups over TCP on the private interface's default 127.0.0.1 at the balancer's offset:
            // /subsystem=jgroups/channel=balancers/protocol=TCP:read-attribute(name=bind_addr), the same for bind_port
            ModelNode transport = channel.clone().add("protocol", "TCP");
            assertEquals("/127.0.0.1", management.read(transport, "bind_addr").asString());
            assertEquals(7600 + HaBalancers.PORT_OFFSETS[i], management.read(transport, "bind_port").asInt());
            // found by TCPPING, not by MPING's multicast: /subsystem=jgroups/channel=balancers:read-children-names(child-type=protocol)
            ModelNode readProtocols = Operations.createOperation("read-children-names", channel);
            readProtocols.get("child-type").set("protocol");
            List<String> protocols = management.success(readProtocols).asList().stream().map(ModelNode::asString).toList();
            assertTrue(protocols.contains("TCPPING") && !protocols.contains("MPING"), protocols::toString);
            // /socket-binding-group=standard-sockets/socket-binding=jgroups-mping:read-attribute(name=bound)
            assertFalse(management.read(JGROUPS_MPING, "bound").asBoolean());
        }
        Management a = new Management(BALANCERS.client(0));
        Management b = new Management(BALANCERS.client(1));
        // /subsystem=infinispan/cache-container=load-balancer:read-attribute(name=cluster-name), the same for coordinator-address
        assertEquals(a.read(CONTAINER, "cluster-name"), b.read(CONTAINER, "cluster-name"));
        assertEquals("load-balancer", a.read(CONTAINER, "cluster-name").asString(), "the balancers' own cluster, not WildFly's default ejb");
        ModelNode coordinator = a.read(CONTAINER, "coordinator-address");
        assertEquals(coordinator, b.read(CONTAINER, "coordinator-address"));
        // the first to start the cache coordinates: /subsystem=infinispan/cache-container=load-balancer:read-attribute(name=is-coordinator)
        assertEquals(BALANCERS.name(0), coordinator.asString());
        assertTrue(a.read(CONTAINER, "is-coordinator").asBoolean());
        assertFalse(b.read(CONTAINER, "is-coordinator").asBoolean());

        long bound = BALANCERS.failureDetectionMillis(1);
        long killing = System.nanoTime();
        BALANCERS.kill(0);
        long killed = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - killing);
        long dropped = killed + BALANCERS.awaitMembers(1, List.of(BALANCERS.name(1)), bound);
        System.out.printf("%s's view dropped the coordinator %s %d ms after kill -9 (its JVM gone after %d ms; bound %d ms)%n",
                BALANCERS.name(1), BALANCERS.name(0), dropped, killed, bound);

        assertEquals(BALANCERS.name(1), b.read(CONTAINER, "coordinator-address").asString());
        assertTrue(b.read(CONTAINER, "is-coordinator").asBoolean());
        assertEquals("RUNNING", b.read(CONTAINER, "cache-manager-status").asString());
        assertFalse(BALANCERS.server(0).isRunning());
        // no orderly stop (WFLYSRV0050) since the last start: the JVM died
        String console = BALANCERS.server(0).console();
        assertFalse(console.substring(console.lastIndexOf("WFLYSRV0025")).contains("WFLYSRV0050"), console);
    }

    /** A user who provisions only the load-balancer layer does not pay for Infinispan and JGroups. */
    @Test
    public void singleBalancerServerHasNeitherInfinispanNorJGroups() throws Exception {
        Path home = Path.of(System.getProperty("jboss.home"));
        assumeFalse(home.equals(Path.of(System.getProperty("jboss.home.full"))), "WildFly's full profile has its own infinispan subsystem");
        String configuration = Files.readString(home.resolve("standalone").resolve("configuration").resolve("standalone.xml"));
        assertTrue(configuration.contains("urn:restcomm:load-balancer:"), "the load-balancer layer is provisioned");
        assertFalse(configuration.contains("infinispan"), "no infinispan subsystem or extension");
        assertFalse(configuration.contains("jgroups"), "no jgroups subsystem, extension or socket-binding");
    }
}
