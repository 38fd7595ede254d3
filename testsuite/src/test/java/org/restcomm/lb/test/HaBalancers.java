package org.restcomm.lb.test;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.jboss.as.controller.client.ModelControllerClient;
import org.jboss.as.controller.client.helpers.Operations;
import org.jboss.dmr.ModelNode;
import org.jboss.msc.service.ServiceActivator;
import org.jboss.shrinkwrap.api.ShrinkWrap;
import org.jboss.shrinkwrap.api.exporter.ZipExporter;
import org.jboss.shrinkwrap.api.spec.JavaArchive;

/**
 * Two balancers from the server with the load-balancer-ha layer ({@code jboss.home.ha}) at port offsets 700 and 750,
 * one JGroups cluster over TCP on 127.0.0.1 without multicast.
 */
final class HaBalancers implements AutoCloseable {

    /**
     * Offsets no other test uses (800 would put a jgroups-tcp port on NodeDeathTestCase's 8400): the jgroups-tcp
     * ports are 8300 and 8350, management 10690 and 10740, SIP external 5760 and 5810, HTTP 2780 and 2830.
     */
    static final int[] PORT_OFFSETS = {700, 750};
    static final String CONTAINER = "load-balancer";
    static final String CACHE = "lb";

    /** The jgroups-tcp socket-binding of WildFly's jgroups-all feature group, before the port offset. */
    private static final int JGROUPS_TCP_PORT = 7600;
    private static final String[] NAMES = {"ha-balancer-a", "ha-balancer-b"};
    private static final long STARTUP_TIMEOUT_MILLIS = 90_000;
    private static final Pattern VIEW_MEMBERS = Pattern.compile("\\(\\d+\\) \\[(.*)]$");

    private final List<NodeServer> servers = new ArrayList<>();
    private final List<ModelControllerClient> clients = new ArrayList<>();

    HaBalancers() {
        for (int i = 0; i < PORT_OFFSETS.length; i++) {
            this.servers.add(NodeServer.haBalancerCopy(NAMES[i], PORT_OFFSETS[i]));
        }
    }

    /**
     * Fresh copies of the provisioned server, started side by side, each with JGroups on loopback TCP and reloaded
     * (WildFly asks for it: the channel's runtime protocols are registered from its stack when the server boots).
     */
    void start() throws Exception {
        for (NodeServer server : this.servers) {
            server.prepare();
            server.start();
        }
        List<Long> boots = new ArrayList<>();
        for (NodeServer server : this.servers) {
            server.awaitStarted();
            try (ModelControllerClient client = server.managementClient()) {
                Management management = new Management(client);
                this.loopback(management);
                boots.add(starts(server));
                // :reload
                management.success(Operations.createOperation("reload"));
            }
        }
        for (int i = 0; i < this.servers.size(); i++) {
            NodeServer server = this.servers.get(i);
            long before = boots.get(i);
            Management.await(NAMES[i] + " to boot again after :reload", STARTUP_TIMEOUT_MILLIS, () -> starts(server) > before);
            this.clients.add(server.managementClient());
            // :read-attribute(name=server-state)
            String state = new Management(this.clients.get(i)).read(new ModelNode().setEmptyList(), "server-state").asString();
            if (!"running".equals(state)) {
                throw new AssertionError(NAMES[i] + " is " + state + " after :reload:\n" + server.console());
            }
        }
    }

    /** How often the server logged WFLYSRV0025 (started), at boot and after each :reload. */
    private static long starts(NodeServer server) {
        try {
            return server.console().lines().filter(line -> line.contains("WFLYSRV0025")).count();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * The layer's channel balancers on the tcp stack, whose MPING
     * multicast discovery gives way to TCPPING of both balancers' jgroups-tcp ports; FD_ALL3 suspects a silent
     * member after 5 s instead of 40 s.
     */
    private void loopback(Management management) {
        ModelNode sockets = Operations.createAddress("socket-binding-group", "standard-sockets");
        ModelNode tcp = Operations.createAddress("subsystem", "jgroups", "stack", "tcp");
        Operations.CompositeOperationBuilder batch = Operations.CompositeOperationBuilder.create();
        ModelNode peers = new ModelNode().setEmptyList();
        for (int i = 0; i < NAMES.length; i++) {
            // /socket-binding-group=standard-sockets/remote-destination-outbound-socket-binding=jgroups-ha-balancer-a:add(host=127.0.0.1, port=8300)
            ModelNode peer = append(sockets, "remote-destination-outbound-socket-binding", "jgroups-" + NAMES[i]);
            ModelNode add = Operations.createAddOperation(peer);
            add.get("host").set("127.0.0.1");
            add.get("port").set(JGROUPS_TCP_PORT + PORT_OFFSETS[i]);
            batch.addStep(add);
            peers.add("jgroups-" + NAMES[i]);
        }
        // /subsystem=jgroups/stack=tcp/protocol=MPING:remove
        batch.addStep(Operations.createRemoveOperation(append(tcp, "protocol", "MPING")));
        // /subsystem=jgroups/stack=tcp/protocol=TCPPING:add(add-index=1, socket-bindings=[jgroups-ha-balancer-a, jgroups-ha-balancer-b])
        ModelNode discovery = Operations.createAddOperation(append(tcp, "protocol", "TCPPING"));
        discovery.get("add-index").set(1);
        discovery.get("socket-bindings").set(peers);
        batch.addStep(discovery);
        // /subsystem=jgroups/stack=tcp/protocol=FD_ALL3:write-attribute(name=properties, value={timeout=5000, interval=1000})
        ModelNode failureDetection = new ModelNode();
        failureDetection.get("timeout").set("5000");
        failureDetection.get("interval").set("1000");
        batch.addStep(Operations.createWriteAttributeOperation(append(tcp, "protocol", "FD_ALL3"), "properties", failureDetection));
        // /subsystem=jgroups/stack=tcp/transport=TCP:write-attribute(name=properties, value={tcp_nodelay=true})
        // JGroups' TCP leaves Nagle on: each synchronous cache write then waits out the peer's delayed ACK (about 40 ms)
        ModelNode noDelay = new ModelNode();
        noDelay.get("tcp_nodelay").set("true");
        batch.addStep(Operations.createWriteAttributeOperation(append(tcp, "transport", "TCP"), "properties", noDelay));
        // /subsystem=jgroups/channel=balancers:write-attribute(name=stack, value=tcp)
        batch.addStep(Operations.createWriteAttributeOperation(this.channelAddress(management), "stack", "tcp"));
        // run-batch
        management.success(batch.build().getOperation());
    }

    /**
     * Deploys a service that requires the cache {@code lb} on each balancer in turn, each after the one before has
     * joined, so that the second joins the first's cluster rather than forming its own; waits for the view of both.
     * Not needed once an algorithm references the cache, which starts it as this does.
     */
    void startSharedCache() throws Exception {
        JavaArchive starter = ShrinkWrap.create(JavaArchive.class, "lb-shared-cache.jar")
                .addClass(SharedCacheActivator.class)
                .addAsServiceProvider(ServiceActivator.class, SharedCacheActivator.class);
        for (int i = 0; i < this.servers.size(); i++) {
            // deploy lb-shared-cache.jar
            ModelNode deploy = Operations.createAddOperation(Operations.createAddress("deployment", starter.getName()));
            deploy.get("content").add().get("input-stream-index").set(0);
            deploy.get("enabled").set(true);
            try (InputStream content = starter.as(ZipExporter.class).exportAsInputStream()) {
                ModelNode outcome = this.client(i).execute(org.jboss.as.controller.client.Operation.Factory.create(deploy, List.of(content)));
                if (!Operations.isSuccessfulOutcome(outcome)) {
                    throw new AssertionError("deploying " + starter.getName() + " to " + NAMES[i] + " failed: " + outcome);
                }
            }
            List<String> expected = Arrays.asList(NAMES).subList(0, i + 1);
            for (int j = 0; j <= i; j++) {
                this.awaitMembers(j, expected, this.viewHealMillis(j));
            }
        }
    }

    NodeServer server(int index) {
        return this.servers.get(index);
    }

    String name(int index) {
        return NAMES[index];
    }

    /** A client on the balancer's management port (9990 + its offset), open until {@link #close()}. */
    ModelControllerClient client(int index) {
        return this.clients.get(index);
    }

    /** kill -9 of the balancer's JVM: it leaves its cluster without a word. */
    void kill(int index) {
        this.servers.get(index).kill();
    }

    /**
     * The members of the balancer's current view, by node name, from
     * {@code /subsystem=jgroups/channel=balancers:read-attribute(name=view)}, e.g. "[ha-balancer-a|1] (2) [ha-balancer-a, ha-balancer-b]";
     * empty while the channel is not running.
     */
    List<String> members(int index) {
        Management management = new Management(this.client(index));
        ModelNode view = management.read(this.channelAddress(management), "view");
        if (!view.isDefined()) {
            return List.of();
        }
        Matcher members = VIEW_MEMBERS.matcher(view.asString());
        if (!members.find()) {
            throw new AssertionError("a view as JGroups prints it: " + view);
        }
        // a member prints as its name and, in parentheses, its Infinispan version: ha-balancer-a(v=16.0.5)
        return Arrays.stream(members.group(1).split(", ")).map(member -> member.replaceFirst("\\(.*\\)$", "")).toList();
    }

    /** Waits until the balancer's view holds exactly these members, in any order; returns how long that took. */
    long awaitMembers(int index, List<String> expected, long timeoutMillis) throws InterruptedException {
        long start = System.nanoTime();
        long deadline = start + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
        List<String> members = this.members(index);
        while (!sorted(members).equals(sorted(expected))) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError(NAMES[index] + "'s view is " + members + ", not " + expected + ", after " + timeoutMillis + " ms");
            }
            Thread.sleep(50);
            members = this.members(index);
        }
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
    }

    private static List<String> sorted(List<String> names) {
        return names.stream().sorted().toList();
    }

    /**
     * How long the balancer's JGroups takes at most to drop a member that went silent, from its running protocols:
     * FD_ALL3's timeout plus one heartbeat interval, plus VERIFY_SUSPECT2's timeout.
     */
    long failureDetectionMillis(int index) {
        return this.protocolMillis(index, "FD_ALL3", "timeout") + this.protocolMillis(index, "FD_ALL3", "interval")
                + this.protocolMillis(index, "VERIFY_SUSPECT2", "timeout");
    }

    /**
     * How long two views that formed apart (both balancers connecting at once) take at most to merge: MERGE3's
     * max_interval plus GMS's merge_timeout.
     */
    long viewHealMillis(int index) {
        return this.protocolMillis(index, "MERGE3", "max_interval") + this.protocolMillis(index, "pbcast.GMS", "merge_timeout");
    }

    /** {@code /subsystem=jgroups/channel=balancers/protocol=<protocol>:read-attribute(name=<attribute>)}, a runtime value. */
    private long protocolMillis(int index, String protocol, String attribute) {
        Management management = new Management(this.client(index));
        return management.read(append(this.channelAddress(management), "protocol", protocol), attribute).asLong();
    }

    /** The address of the JGroups channel the balancer's cache container uses, e.g. /subsystem=jgroups/channel=balancers. */
    ModelNode channel(int index) {
        return this.channelAddress(new Management(this.client(index)));
    }

    /**
     * The channel the cache container's transport uses: its {@code channel} (balancers, as the layer sets it), or
     * else the jgroups subsystem's {@code default-channel}.
     */
    private ModelNode channelAddress(Management management) {
        ModelNode channel = management.read(Operations.createAddress("subsystem", "infinispan", "cache-container", CONTAINER, "transport", "jgroups"), "channel");
        if (!channel.isDefined()) {
            channel = management.read(Operations.createAddress("subsystem", "jgroups"), "default-channel");
        }
        return Operations.createAddress("subsystem", "jgroups", "channel", channel.asString());
    }

    private static ModelNode append(ModelNode address, String type, String name) {
        ModelNode appended = address.clone();
        appended.add(type, name);
        return appended;
    }

    @Override
    public void close() throws Exception {
        for (ModelControllerClient client : this.clients) {
            try {
                client.close();
            } catch (IOException e) {
                // the balancer may be gone
            }
        }
        for (NodeServer server : this.servers) {
            server.close();
        }
    }
}
