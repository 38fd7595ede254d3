package org.restcomm.lb.test;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.SocketException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What stands in front of several balancers in the guide's section 1.5, played by the test over UDP: one address
 * (127.0.0.1:port) that every balancer advertises in Record-Route; each datagram from a client goes to the next
 * balancer in turn (a spraying IP load balancer, the worst case for affinity), and a datagram from a balancer goes
 * back to the client it answers. A balancer that stops answering is skipped only when the test says so
 * ({@link #withdraw}), as a health-checking IP load balancer would.
 */
final class IpLoadBalancer implements AutoCloseable {

    private final DatagramSocket socket;
    private final List<InetSocketAddress> balancers;
    private final Map<InetSocketAddress, Boolean> withdrawn = new ConcurrentHashMap<>();
    private final AtomicLong turn = new AtomicLong();
    private final Thread relay;
    private volatile SocketAddress lastClient;

    IpLoadBalancer(int port, List<InetSocketAddress> balancers) throws SocketException {
        this.socket = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
        this.balancers = List.copyOf(balancers);
        this.relay = new Thread(this::relay, "ip-load-balancer-" + port);
        this.relay.setDaemon(true);
        this.relay.start();
    }

    int port() {
        return this.socket.getLocalPort();
    }

    /** From now on no client datagram goes to this balancer, as after a failed health check. */
    void withdraw(InetSocketAddress balancer) {
        this.withdrawn.put(balancer, Boolean.TRUE);
    }

    private void relay() {
        byte[] buffer = new byte[65_535];
        while (!this.socket.isClosed()) {
            DatagramPacket packet = new DatagramPacket(buffer, buffer.length);
            try {
                this.socket.receive(packet);
                SocketAddress target;
                if (this.balancers.contains((InetSocketAddress) packet.getSocketAddress())) {
                    target = this.lastClient;
                } else {
                    this.lastClient = packet.getSocketAddress();
                    target = this.next();
                }
                if (target != null) {
                    this.socket.send(new DatagramPacket(packet.getData(), packet.getOffset(), packet.getLength(), target));
                }
            } catch (IOException e) {
                // closed, or one datagram lost: UDP, the client retransmits
            }
        }
    }

    private InetSocketAddress next() {
        for (int i = 0; i < this.balancers.size(); i++) {
            InetSocketAddress candidate = this.balancers.get((int) Math.floorMod(this.turn.getAndIncrement(), (long) this.balancers.size()));
            if (!this.withdrawn.containsKey(candidate)) {
                return candidate;
            }
        }
        return null;
    }

    @Override
    public void close() throws InterruptedException {
        this.socket.close();
        this.relay.join(5000);
    }
}
