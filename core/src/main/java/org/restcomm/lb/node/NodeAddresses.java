package org.restcomm.lb.node;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;

/**
 * Which node is at an ip and port, asked for every message a node sends and every in-dialog request: built once
 * whenever the nodes change, so a look-up builds no string and walks no node list. A node is found at every port it
 * advertises on any transport; where two nodes claim one address, the one whose name it is wins, as by name.
 */
final class NodeAddresses {

    static final NodeAddresses NONE = new NodeAddresses(List.of());

    /** By the node's ip as advertised; IPv6 literals in Java's full form, so any spelling of one finds it. */
    private final Map<String, Ports> byHost = new HashMap<>();
    /** By address, for the nodes whose ip is a literal: the receive path's own InetAddress is the key, no text made. */
    private final Map<InetAddress, Ports> byAddress = new HashMap<>();

    NodeAddresses(Collection<Node> nodes) {
        // the port in a node's name first: the node named ip:port is the one there, whatever another advertises
        for (Node node : nodes) {
            this.add(node, namePort(node));
        }
        for (Node node : nodes) {
            for (String property : NodeAdvertisement.PORT_PROPERTIES) {
                OptionalInt port = node.port(property);
                if (port.isPresent()) {
                    this.add(node, port.getAsInt());
                }
            }
        }
    }

    Node at(String ip, int port) {
        Ports ports = this.byHost.get(HostAndPort.isIpv6Literal(ip) ? canonical(ip) : ip);
        return (ports != null) ? ports.at(port) : null;
    }

    Node at(InetAddress address, int port) {
        Ports ports = this.byAddress.get(address);
        return (ports != null) ? ports.at(port) : this.at(address.getHostAddress(), port);
    }

    private void add(Node node, int port) {
        if (port < 0) {
            return;
        }
        this.byHost.computeIfAbsent(canonical(node.ip()), host -> new Ports()).add(port, node);
        InetAddress address = node.address();
        if (address != null) {
            this.byAddress.computeIfAbsent(address, host -> new Ports()).add(port, node);
        }
    }

    private static int namePort(Node node) {
        int colon = node.name().lastIndexOf(':');
        try {
            return (colon >= 0 && !node.name().endsWith("]")) ? Integer.parseInt(node.name().substring(colon + 1)) : -1;
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /** An IPv6 literal in Java's full form; anything else as it is written. */
    private static String canonical(String host) {
        if (!HostAndPort.isIpv6Literal(host)) {
            return host;
        }
        String bare = (host.startsWith("[") && host.endsWith("]")) ? host.substring(1, host.length() - 1) : host;
        try {
            // a literal: no name is looked up
            return InetAddress.getByName(bare).getHostAddress();
        } catch (UnknownHostException e) {
            return host;
        }
    }

    /** The ports of one host and the node at each; a handful, so a scan. */
    private static final class Ports {
        private int[] ports = new int[0];
        private Node[] nodes = new Node[0];

        void add(int port, Node node) {
            for (int known : this.ports) {
                if (known == port) {
                    return;
                }
            }
            this.ports = java.util.Arrays.copyOf(this.ports, this.ports.length + 1);
            this.nodes = java.util.Arrays.copyOf(this.nodes, this.nodes.length + 1);
            this.ports[this.ports.length - 1] = port;
            this.nodes[this.nodes.length - 1] = node;
        }

        Node at(int port) {
            for (int i = 0; i < this.ports.length; i++) {
                if (this.ports[i] == port) {
                    return this.nodes[i];
                }
            }
            return null;
        }
    }
}
