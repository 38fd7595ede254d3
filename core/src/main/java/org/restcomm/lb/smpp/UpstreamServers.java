package org.restcomm.lb.smpp;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

import org.restcomm.lb.node.Node;
import org.restcomm.lb.node.NodeAdvertisement;
import org.restcomm.lb.node.NodeRegistry;

/** The SMSCs to bind to: the configured remote servers plus every active node that advertises an smppPort. */
final class UpstreamServers {

    private final NodeRegistry registry;
    private final AtomicInteger next = new AtomicInteger();
    private volatile List<InetSocketAddress> configured;

    UpstreamServers(List<InetSocketAddress> configured, NodeRegistry registry) {
        this.configured = List.copyOf(configured);
        this.registry = registry;
    }

    void setConfigured(List<InetSocketAddress> servers) {
        this.configured = List.copyOf(servers);
    }

    /** Every SMSC now, without duplicates, configured ones first. */
    List<InetSocketAddress> all() {
        Set<InetSocketAddress> servers = new LinkedHashSet<>(this.configured);
        if (this.registry != null) {
            for (Node node : this.registry.activeNodes()) {
                node.port(NodeAdvertisement.SMPP_PORT).ifPresent(port -> servers.add(new InetSocketAddress(node.ip(), port)));
            }
        }
        return List.copyOf(servers);
    }

    /** The order to try SMSCs in for one bind: the algorithm's start, then the rest; the one to avoid goes last. */
    List<InetSocketAddress> rotation(InetSocketAddress avoid, SmppToProviderAlgorithm algorithm) {
        List<InetSocketAddress> servers = this.all();
        if (servers.isEmpty()) {
            return servers;
        }
        int start = Math.floorMod(algorithm.start(this.next), servers.size());
        List<InetSocketAddress> order = new ArrayList<>(servers.size());
        for (int i = 0; i < servers.size(); i++) {
            order.add(servers.get((start + i) % servers.size()));
        }
        if (avoid != null && order.remove(avoid)) {
            order.add(avoid);
        }
        return order;
    }
}
