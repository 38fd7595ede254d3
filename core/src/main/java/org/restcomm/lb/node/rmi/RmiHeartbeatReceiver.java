package org.restcomm.lb.node.rmi;

import java.io.IOException;
import java.io.ObjectInputFilter;
import java.io.Serializable;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.rmi.AccessException;
import java.rmi.NoSuchObjectException;
import java.rmi.NotBoundException;
import java.rmi.RemoteException;
import java.rmi.registry.LocateRegistry;
import java.rmi.registry.Registry;
import java.rmi.server.RMIServerSocketFactory;
import java.rmi.server.RemoteServer;
import java.rmi.server.ServerNotActiveException;
import java.rmi.server.UnicastRemoteObject;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;

import org.mobicents.tools.sip.balancer.NodeRegisterRMIStub;
import org.mobicents.tools.sip.balancer.SIPNode;
import org.restcomm.lb.logging.LoadBalancerLogger;
import org.restcomm.lb.node.HeartbeatCommand;
import org.restcomm.lb.node.HeartbeatProtocol;
import org.restcomm.lb.node.HeartbeatReply;
import org.restcomm.lb.node.NodeAdvertisement;
import org.restcomm.lb.node.NodeSource;

/**
 * The original's legacy RMI heartbeat: a registry on one port holding "SIPBalancer", the remote object on
 * another, both bound to the balancer's address only.
 */
public final class RmiHeartbeatReceiver implements NodeRegisterRMIStub {

    public static final String BINDING_NAME = "SIPBalancer";
    private static final String RMI_HOSTNAME = "java.rmi.server.hostname";

    /** Only the classes of the original's wire format, and no deep object graphs. */
    private static final ObjectInputFilter WIRE_FILTER = ObjectInputFilter.Config.createFilter(
            "maxdepth=8;maxrefs=10000;maxarray=10000;"
                    + "org.mobicents.tools.sip.balancer.SIPNode;java.util.ArrayList;java.util.HashMap;"
                    // ArrayList and HashMap size their backing arrays through the filter, matched by element type
                    + "java.lang.Object;java.util.Map$Entry;"
                    + "java.lang.String;java.lang.Number;java.lang.Integer;java.lang.Long;java.lang.Short;java.lang.Boolean;!*");

    private final InetSocketAddress registryAddress;
    private final int objectPort;
    private final HeartbeatProtocol protocol;
    private Registry rmiRegistry;

    public RmiHeartbeatReceiver(InetSocketAddress registryAddress, int objectPort, HeartbeatProtocol protocol) {
        this.registryAddress = registryAddress;
        this.objectPort = objectPort;
        this.protocol = protocol;
    }

    public synchronized void start() throws RemoteException {
        RMIServerSocketFactory sockets = new BoundServerSocketFactory(this.registryAddress.getAddress());
        if (System.getProperty(RMI_HOSTNAME) == null) {
            // stubs carry the address callers dial back; by default it is the host name's, not the bound one
            System.setProperty(RMI_HOSTNAME, this.registryAddress.getAddress().getHostAddress());
        }
        ClassLoader previous = Thread.currentThread().getContextClassLoader();
        // RMI resolves the classes of incoming calls with the loader current at export time
        Thread.currentThread().setContextClassLoader(RmiHeartbeatReceiver.class.getClassLoader());
        try {
            NodeRegisterRMIStub stub = (NodeRegisterRMIStub) UnicastRemoteObject.exportObject(this, this.objectPort, null, sockets, WIRE_FILTER);
            this.rmiRegistry = LocateRegistry.createRegistry(this.registryAddress.getPort(), null, sockets);
            this.rmiRegistry.rebind(BINDING_NAME, stub);
        } catch (RemoteException | RuntimeException e) {
            this.stop();
            throw e;
        } finally {
            Thread.currentThread().setContextClassLoader(previous);
        }
        LoadBalancerLogger.ROOT_LOGGER.rmiHeartbeatStarted(BINDING_NAME, this.registryAddress, this.objectPort);
    }

    public synchronized void stop() {
        if (this.rmiRegistry != null) {
            try {
                this.rmiRegistry.unbind(BINDING_NAME);
            } catch (RemoteException | NotBoundException e) {
                // already gone
            }
            unexport(this.rmiRegistry);
            this.rmiRegistry = null;
        }
        unexport(this);
    }

    @Override
    public void handlePing(ArrayList<SIPNode> ping) throws AccessException {
        InetSocketAddress caller = caller();
        for (SIPNode node : nullSafe(ping)) {
            NodeAdvertisement advertisement = advertisement(node);
            if (advertisement != null) {
                refuseUnlessAccepted(this.protocol.apply(new HeartbeatCommand.Start(advertisement), NodeSource.RMI, caller));
            }
        }
    }

    @Override
    public void forceRemoval(ArrayList<SIPNode> ping) throws AccessException {
        InetSocketAddress caller = caller();
        for (SIPNode node : nullSafe(ping)) {
            NodeAdvertisement advertisement = advertisement(node);
            if (advertisement != null) {
                refuseUnlessAccepted(this.protocol.forceRemoval(advertisement, caller));
            }
        }
    }

    @Override
    public void switchover(String fromJvmRoute, String toJvmRoute) throws AccessException {
        if (fromJvmRoute != null && toJvmRoute != null) {
            refuseUnlessAccepted(this.protocol.apply(new HeartbeatCommand.Switchover(fromJvmRoute, toJvmRoute), NodeSource.RMI, caller()));
        }
    }

    /** A refused ping reaches the legacy node as a RemoteException, the failure its client already handles. */
    private static void refuseUnlessAccepted(HeartbeatReply reply) throws AccessException {
        if (reply.refused()) {
            throw new AccessException("heartbeat refused (" + reply.status() + "): " + reply.outcome());
        }
    }

    /** The calling node's address; null outside an RMI call (admitted only while allowed-sources is unset). */
    private static InetSocketAddress caller() {
        try {
            String host = RemoteServer.getClientHost();
            // RMI reports the peer as an IP literal, so this never waits for DNS
            return new InetSocketAddress(InetAddress.getByName(host), 0);
        } catch (ServerNotActiveException | java.net.UnknownHostException e) {
            return null;
        }
    }

    private NodeAdvertisement advertisement(SIPNode node) {
        if (node == null || node.getIp() == null || node.getIp().isBlank()) {
            this.protocol.rejected();
            LoadBalancerLogger.ROOT_LOGGER.rmiHeartbeatRejected(String.valueOf(node), "no ip");
            return null;
        }
        Map<String, String> properties = new HashMap<>();
        for (Map.Entry<String, Serializable> property : node.getProperties().entrySet()) {
            if (property.getKey() != null && property.getValue() != null) {
                properties.put(property.getKey(), property.getValue().toString());
            }
        }
        properties.putIfAbsent(NodeAdvertisement.VERSION, NodeAdvertisement.DEFAULT_VERSION);
        return new NodeAdvertisement(node.getHostName(), node.getIp(), properties);
    }

    private static ArrayList<SIPNode> nullSafe(ArrayList<SIPNode> nodes) {
        return Objects.requireNonNullElseGet(nodes, ArrayList::new);
    }

    private static void unexport(java.rmi.Remote remote) {
        try {
            UnicastRemoteObject.unexportObject(remote, true);
        } catch (NoSuchObjectException e) {
            // never exported
        }
    }

    /** Listens on the balancer's address only, not on every interface as RMI does by default. */
    private record BoundServerSocketFactory(InetAddress address) implements RMIServerSocketFactory {
        @Override
        public ServerSocket createServerSocket(int port) throws IOException {
            ServerSocket socket = new ServerSocket();
            socket.setReuseAddress(true);
            socket.bind(new InetSocketAddress(this.address, port));
            return socket;
        }
    }
}
