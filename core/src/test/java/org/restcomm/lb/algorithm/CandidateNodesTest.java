package org.restcomm.lb.algorithm;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Clock;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.restcomm.lb.node.Node;
import org.restcomm.lb.node.NodeAdvertisement;
import org.restcomm.lb.node.NodeRegistry;
import org.restcomm.lb.node.NodeSource;

/** The cached candidate lists follow every registry change that matters to a new call or session. */
class CandidateNodesTest {

    private final NodeRegistry registry = new NodeRegistry(Clock.systemUTC(), 60_000);
    private final CandidateNodes candidates = new CandidateNodes(this.registry);

    private void register(String host, String session, String version, String... ports) {
        Map<String, String> properties = new java.util.HashMap<>(Map.of("sessionId", session, "version", version));
        for (int i = 0; i < ports.length; i += 2) {
            properties.put(ports[i], ports[i + 1]);
        }
        this.registry.register(new NodeAdvertisement(host, "10.0.0." + host.length(), properties), NodeSource.HTTP);
    }

    private static List<String> names(List<Node> nodes) {
        return nodes.stream().map(Node::hostName).sorted().toList();
    }

    @Test
    void joinsStateChangesVersionsAndDeparturesAreSeen() {
        this.register("a", "s1", "1", "httpPort", "8080", "udpPort", "5080");
        this.register("bb", "s2", "1", "httpPort", "8080");
        assertEquals(List.of("a", "bb"), names(this.candidates.http()));
        assertEquals(List.of("a"), names(this.candidates.sip()));

        String a = this.candidates.sip().get(0).name();
        this.registry.drain(a);
        assertEquals(List.of("bb"), names(this.candidates.http()), "a draining node takes no new session");
        assertEquals(List.of(), names(this.candidates.sip()));
        this.registry.enable(a);
        assertEquals(List.of("a", "bb"), names(this.candidates.http()));

        this.register("ccc", "s3", "2", "httpPort", "8080");
        assertEquals(List.of("ccc"), names(this.candidates.http()), "the newest version takes new sessions");

        this.registry.removeNode(this.candidates.http().get(0).name(), "test");
        assertEquals(List.of("a", "bb"), names(this.candidates.http()));
    }
}
