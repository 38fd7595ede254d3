package org.restcomm.lb.algorithm;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;

import org.restcomm.lb.node.Node;

/** Rolling upgrade: new work goes only to nodes of the newest version among those taking new work. */
public final class NodeVersions {

    /** Compares dotted versions part by part, numerically where both parts are numbers ("1.10" after "1.9"). */
    public static final Comparator<String> ORDER = NodeVersions::compare;

    private static final Comparator<Node> BY_NAME = Comparator.comparing(Node::name);
    private static final java.util.regex.Pattern SEPARATORS = java.util.regex.Pattern.compile("[.\\-_]");

    private NodeVersions() {
    }

    /** The nodes that take new work and run the newest version, in a stable order (by name). */
    public static List<Node> newestAccepting(List<Node> nodes) {
        // loops, not streams: this runs for every new HTTP request and SIP call
        String newest = null;
        for (Node node : nodes) {
            if (node.acceptsNewWork() && (newest == null || compare(node.version(), newest) > 0)) {
                newest = node.version();
            }
        }
        List<Node> chosen = new ArrayList<>(nodes.size());
        for (Node node : nodes) {
            if (node.acceptsNewWork() && node.version().equals(newest)) {
                chosen.add(node);
            }
        }
        chosen.sort(BY_NAME);
        return Collections.unmodifiableList(chosen);
    }

    static int compare(String left, String right) {
        if (left.equals(right)) {
            // the common case, on every new call: one version across the cluster
            return 0;
        }
        String[] a = SEPARATORS.split(left);
        String[] b = SEPARATORS.split(right);
        for (int i = 0; i < Math.max(a.length, b.length); i++) {
            String x = (i < a.length) ? a[i] : "0";
            String y = (i < b.length) ? b[i] : "0";
            int order = (isNumber(x) && isNumber(y)) ? Long.compare(Long.parseLong(x), Long.parseLong(y)) : x.compareTo(y);
            if (order != 0) {
                return order;
            }
        }
        return 0;
    }

    private static boolean isNumber(String text) {
        return !text.isEmpty() && text.length() < 19 && text.chars().allMatch(Character::isDigit);
    }
}
