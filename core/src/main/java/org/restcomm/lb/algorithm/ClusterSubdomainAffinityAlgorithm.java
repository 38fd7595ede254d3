package org.restcomm.lb.algorithm;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import org.restcomm.lb.node.Node;

/**
 * Call-ID affinity whose failover stays inside the lost node's subcluster while one of its nodes is alive.
 * subclusterMap lists the groups as the original wrote them: {@code (10.0.0.1:5080, 10.0.0.2:5080)(10.0.1.1:5080)};
 * a member is a node name ({@code ip:port}) or an address alone.
 */
public class ClusterSubdomainAffinityAlgorithm extends CallIdAffinityAlgorithm {

    public static final String SUBCLUSTER_MAP = "subclusterMap";

    private volatile List<Set<String>> subclusters = List.of();

    @Override
    public void configurationChanged(AlgorithmContext context) {
        super.configurationChanged(context);
        this.subclusters = parse(context.property(SUBCLUSTER_MAP, ""));
    }

    @Override
    protected Node failoverTarget(String lostNode, List<Node> candidates) {
        String lostAddress = lostNode.substring(0, Math.max(0, lostNode.lastIndexOf(':')));
        for (Set<String> subcluster : this.subclusters) {
            if (subcluster.contains(lostNode) || subcluster.contains(lostAddress)) {
                List<Node> siblings = candidates.stream().filter(node -> subcluster.contains(node.name()) || subcluster.contains(node.ip())).toList();
                if (!siblings.isEmpty()) {
                    return super.failoverTarget(lostNode, siblings);
                }
            }
        }
        return super.failoverTarget(lostNode, candidates);
    }

    /** Groups in parentheses, members separated by commas or spaces; without parentheses, one group per line. */
    static List<Set<String>> parse(String map) {
        List<Set<String>> groups = new ArrayList<>();
        String text = map.trim();
        String[] parts = text.contains("(") ? text.split("\\)") : text.split("\\R");
        for (String part : parts) {
            String group = part.replace("(", " ").trim();
            if (!group.isEmpty()) {
                groups.add(Set.of(group.split("[,\\s]+")));
            }
        }
        return List.copyOf(groups);
    }
}
