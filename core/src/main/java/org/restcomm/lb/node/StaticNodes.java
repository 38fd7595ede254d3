package org.restcomm.lb.node;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.restcomm.lb.logging.LoadBalancerLogger;

/** Turns static-nodes entries (nodes that never heartbeat and never expire) ({@code host}, {@code host:port}, {@code [v6]:port}) into advertisements. */
public final class StaticNodes {

    public static final int DEFAULT_SIP_PORT = 5060;

    private StaticNodes() {
    }

    /** Entries that cannot be read or resolved are logged and skipped, so one bad name never stops the balancer. */
    public static List<NodeAdvertisement> advertisements(List<String> entries) {
        List<NodeAdvertisement> advertisements = new ArrayList<>();
        for (String entry : entries) {
            try {
                HostAndPort target = HostAndPort.parse(entry, DEFAULT_SIP_PORT);
                String ip = InetAddress.getByName(target.host()).getHostAddress();
                String port = Integer.toString(target.port());
                advertisements.add(new NodeAdvertisement(target.host(), ip, Map.of(
                        NodeAdvertisement.UDP_PORT, port,
                        NodeAdvertisement.TCP_PORT, port,
                        NodeAdvertisement.SESSION_ID, "static:" + entry.trim(),
                        NodeAdvertisement.VERSION, NodeAdvertisement.DEFAULT_VERSION)));
            } catch (IllegalArgumentException | UnknownHostException e) {
                LoadBalancerLogger.ROOT_LOGGER.invalidNodeEntry("static-nodes", entry, e.toString());
            }
        }
        return advertisements;
    }
}
