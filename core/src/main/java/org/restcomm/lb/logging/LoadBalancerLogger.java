package org.restcomm.lb.logging;

import java.net.InetSocketAddress;
import java.net.URI;

import org.jboss.logging.BasicLogger;
import org.jboss.logging.Logger;
import org.jboss.logging.Logger.Level;
import org.jboss.logging.annotations.Cause;
import org.jboss.logging.annotations.LogMessage;
import org.jboss.logging.annotations.Message;
import org.jboss.logging.annotations.MessageLogger;

/** Log messages of the balancer engines, project code RLB. */
@MessageLogger(projectCode = "RLB", length = 4)
public interface LoadBalancerLogger extends BasicLogger {

    LoadBalancerLogger ROOT_LOGGER = Logger.getMessageLogger(LoadBalancerLogger.class, "org.restcomm.lb");

    @LogMessage(level = Level.INFO)
    @Message(id = 1, value = "Node %s registered over %s (version %s, session %s)")
    void nodeRegistered(String node, String source, String version, String sessionId);

    @LogMessage(level = Level.INFO)
    @Message(id = 2, value = "Node %s restarted (session %s replaces %s)")
    void nodeRestarted(String node, String newSessionId, String oldSessionId);

    @LogMessage(level = Level.INFO)
    @Message(id = 3, value = "Node %s removed: %s")
    void nodeRemoved(String node, String reason);

    @LogMessage(level = Level.WARN)
    @Message(id = 4, value = "Node %s expired: no heartbeat for %d ms (node-timeout is %d ms)")
    void nodeExpired(String node, long silentMillis, long timeoutMillis);

    @LogMessage(level = Level.INFO)
    @Message(id = 5, value = "Node %s is now %s")
    void nodeStateChanged(String node, String state);

    @LogMessage(level = Level.WARN)
    @Message(id = 63, value = "Node %s is unreachable (%s): new calls go elsewhere and its calls fail over until it answers again")
    void nodeUnreachable(String node, String reason);

    @LogMessage(level = Level.INFO)
    @Message(id = 6, value = "jvmRoute %s switched over to %s")
    void jvmRouteSwitchedOver(String fromJvmRoute, String toJvmRoute);

    @LogMessage(level = Level.DEBUG)
    @Message(id = 7, value = "Heartbeat from %s rejected: %s")
    void heartbeatRejected(InetSocketAddress peer, String reason);

    @LogMessage(level = Level.INFO)
    @Message(id = 8, value = "Heartbeat endpoint listening on %s")
    void heartbeatEndpointStarted(InetSocketAddress address);

    @LogMessage(level = Level.INFO)
    @Message(id = 64, value = "Heartbeat endpoint listening on %s over HTTPS only")
    void secureHeartbeatEndpointStarted(InetSocketAddress address);

    @LogMessage(level = Level.INFO)
    @Message(id = 9, value = "Statistics endpoint (/lbstat, /lbinfo) listening on %s")
    void statisticsEndpointStarted(InetSocketAddress address);

    @LogMessage(level = Level.INFO)
    @Message(id = 10, value = "RMI heartbeat registry '%s' listening on %s, remote object on port %d")
    void rmiHeartbeatStarted(String name, InetSocketAddress registry, int objectPort);

    @LogMessage(level = Level.DEBUG)
    @Message(id = 11, value = "Could not tell node %s that the balancer stops")
    void nodeStopNotificationFailed(String node, @Cause Throwable cause);

    @LogMessage(level = Level.WARN)
    @Message(id = 12, value = "Could not register the JMX MBean %s; the /lbstat page and management metrics still work")
    void mbeanRegistrationFailed(String name, @Cause Throwable cause);

    @LogMessage(level = Level.WARN)
    @Message(id = 13, value = "Ignoring %s entry '%s': %s")
    void invalidNodeEntry(String attribute, String entry, String reason);

    @LogMessage(level = Level.WARN)
    @Message(id = 14, value = "RMI heartbeat from %s rejected: %s")
    void rmiHeartbeatRejected(String node, String reason);

    @LogMessage(level = Level.ERROR)
    @Message(id = 15, value = "Node expiry check failed")
    void expiryFailed(@Cause Throwable cause);

    @LogMessage(level = Level.DEBUG)
    @Message(id = 16, value = "SIP message not forwarded: %s")
    void sipForwardingFailed(String firstLine, @Cause Throwable cause);

    @LogMessage(level = Level.INFO)
    @Message(id = 17, value = "SIP %s listener on %s/%s")
    void sipListenerStarted(String side, InetSocketAddress address, String transport);

    @LogMessage(level = Level.INFO)
    @Message(id = 18, value = "SMPP balancer listening on %s (%s mode)")
    void smppStarted(InetSocketAddress address, String mode);

    @LogMessage(level = Level.INFO)
    @Message(id = 19, value = "SMPP balancer on %s stopped")
    void smppStopped(InetSocketAddress address);

    @LogMessage(level = Level.DEBUG)
    @Message(id = 20, value = "SMPP connection with %s failed")
    void smppConnectionFailed(String peer, @Cause Throwable cause);

    @LogMessage(level = Level.WARN)
    @Message(id = 21, value = "No SMSC accepted the bind of system_id '%s' (last status 0x%08x); check remote-servers and the SMSCs")
    void smppBindFailed(String systemId, int lastStatus);

    @LogMessage(level = Level.WARN)
    @Message(id = 22, value = "SMSC %s lost; rebinding system_id '%s' after reconnect-interval (%d ms)")
    void smppUpstreamLost(InetSocketAddress smsc, String systemId, long reconnectMillis);

    @LogMessage(level = Level.WARN)
    @Message(id = 23, value = "No SMSC left for system_id '%s': unbinding the ESME at %s")
    void smppNoSmscLeft(String systemId, String esme);

    @LogMessage(level = Level.DEBUG)
    @Message(id = 24, value = "Malformed SMPP PDU from %s: %s")
    void smppMalformedPdu(String peer, String reason);

    @LogMessage(level = Level.INFO)
    @Message(id = 30, value = "HTTP balancer listening on %s")
    void httpStarted(InetSocketAddress address);

    @LogMessage(level = Level.INFO)
    @Message(id = 41, value = "HTTPS balancer listening on %s")
    void httpsStarted(InetSocketAddress address);

    @LogMessage(level = Level.INFO)
    @Message(id = 31, value = "HTTP balancer on %s stopped")
    void httpStopped(InetSocketAddress address);

    @LogMessage(level = Level.INFO)
    @Message(id = 32, value = "HTTP sessions of %s lost their node; they now go to %s")
    void httpSessionsMoved(String sessionKey, String node);

    @LogMessage(level = Level.DEBUG)
    @Message(id = 33, value = "No node for HTTP %s %s: answered 503 (set unavailable-host to send such requests elsewhere)")
    void httpNoNode(String method, String uri);

    @LogMessage(level = Level.WARN)
    @Message(id = 38, value = "HTTP %s %s: the answer of %s declares %s bytes, more than max-response-size (%d); the client got 502")
    void httpResponseTooLarge(String method, String uri, String node, String contentLength, long limit);

    @LogMessage(level = Level.WARN)
    @Message(id = 39, value = "HTTP %s %s: the node's answer grew past max-response-size (%d bytes); both connections were closed")
    void httpResponseCut(String method, String uri, long limit);

    @LogMessage(level = Level.WARN)
    @Message(id = 40, value = "Node %s answered %d to HTTP %s %s, a request bad-node-request-pattern watches: marked bad, it gets no work until it registers again or is enabled")
    void httpNodeMarkedBad(String node, int status, String method, String uri);

    @LogMessage(level = Level.INFO)
    @Message(id = 34, value = "Registered with the balancer at %s as %s (session %s)")
    void registeredWithBalancer(URI balancer, String nodeName, String sessionId);

    @LogMessage(level = Level.WARN)
    @Message(id = 35, value = "Balancer at %s does not answer %s (%s); start is sent until it does; check the balancers attribute")
    void balancerUnreachable(URI balancer, String command, String reason);

    @LogMessage(level = Level.INFO)
    @Message(id = 36, value = "Balancer at %s no longer knows session %s; sending start again")
    void forgottenByBalancer(URI balancer, String sessionId);

    @LogMessage(level = Level.WARN)
    @Message(id = 37, value = "Balancer at %s refused %s with HTTP %d: %s")
    void refusedByBalancer(URI balancer, String command, int status, String body);

    @LogMessage(level = Level.WARN)
    @Message(id = 60, value = "SMPP %s at %s took no bytes for %d ms (write-stall-timeout): connection closed")
    void smppWriteStalled(String side, String peer, long millis);

    @LogMessage(level = Level.WARN)
    @Message(id = 61, value = "HTTP client at %s took no bytes for %d ms (write-stall-timeout): connection closed")
    void httpWriteStalled(String peer, long millis);

    @LogMessage(level = Level.WARN)
    @Message(id = 62, value = "SIP peer at %s took no bytes (%d bytes queued, none written for %d ms; max-queued-bytes, write-stall-timeout): connection closed")
    void sipWriteStalled(String peer, long queued, long millis);

    @LogMessage(level = Level.INFO)
    @Message(id = 75, value = "SMPP balancer listening for TLS on %s")
    void smppTlsStarted(InetSocketAddress address);

    @LogMessage(level = Level.DEBUG)
    @Message(id = 76, value = "SMPP TLS handshake with ESME %s failed: %s")
    void smppEsmeHandshakeFailed(String peer, String reason);

    @LogMessage(level = Level.WARN)
    @Message(id = 77, value = "SMPP TLS handshake with SMSC %s failed: %s; check backend-ssl-context and the SMSC's certificate")
    void smppSmscHandshakeFailed(String server, String reason);

    // DEBUG: anyone can knock on a TLS port; the count is the tls-handshake-failures metric
    @LogMessage(level = Level.DEBUG)
    @Message(id = 80, value = "HTTPS handshake with %s:%d failed (%s): connection closed")
    void tlsHandshakeFailed(String peerHost, int peerPort, String reason);

    @LogMessage(level = Level.DEBUG)
    @Message(id = 81, value = "HTTPS handshake with %s not finished within %d ms (handshake-timeout): connection closed")
    void tlsHandshakeTimedOut(java.net.SocketAddress peer, long millis);

    @LogMessage(level = Level.INFO)
    @Message(id = 82, value = "HTTPS listener on %s serves a new certificate: TLS sessions begun with the old one are not resumed")
    void httpsCertificateChanged(InetSocketAddress listener);

    @LogMessage(level = Level.DEBUG)
    @Message(id = 90, value = "%d answer to a request of %s:%d, which is no node any more, goes to node %s (ringing failover)")
    void ringingFailover(int statusCode, String lostHost, int lostPort, String node);

    @LogMessage(level = Level.WARN)
    @Message(id = 91, value = "Node %s left %d requests in a row unanswered, its last answer %d ms ago (bad-node-unanswered-requests, bad-node-response-time): marked bad, it gets no work until it registers again or is enabled")
    void nodeLeftRequestsUnanswered(String node, int requests, long sinceLastAnswerMillis);

    @LogMessage(level = Level.WARN)
    @Message(id = 92, value = "Writing %d affinity claims to the shared cache failed (%s): each key is claimed again when next used")
    void sharedAffinityWriteFailed(int claims, String cause);

    @LogMessage(level = Level.INFO)
    @Message(id = 93, value = "SIP UDP listener %s:%d got a receive queue of %d bytes of the %d asked (gov.nist.javax.sip.RECEIVE_UDP_BUFFER_SIZE): datagrams of a longer pause are dropped; raise the kernel's net.core.rmem_max")
    void udpReceiveBufferCapped(String address, int port, int granted, int asked);

    @LogMessage(level = Level.ERROR)
    @Message(id = 94, value = "HTTP fast path failed on the connection from %s: connection closed")
    void httpFastPathFailed(String peer, @Cause Throwable cause);

    @LogMessage(level = Level.INFO)
    @Message(id = 95, value = "SIP engine warmed up before its listeners open: %d of %d synthetic calls over loopback in %d ms (-D%s=false turns this off)")
    void sipWarmedUp(int completed, int calls, long millis, String property);

    @LogMessage(level = Level.WARN)
    @Message(id = 96, value = "SIP warm-up failed (%s): the engine starts cold, and its first calls are answered late")
    void sipWarmUpFailed(String cause);

    @LogMessage(level = Level.WARN)
    @Message(id = 120, value = "%s asked /lbstop: the server suspends and stops within %d ms (stop-timeout)")
    void adminStopRequested(InetSocketAddress client, long timeoutMillis);
}
