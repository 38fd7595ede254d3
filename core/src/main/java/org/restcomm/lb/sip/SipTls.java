package org.restcomm.lb.sip;

import static org.restcomm.lb.sip.JainSipFields.field;
import static org.restcomm.lb.sip.JainSipFields.get;
import static org.restcomm.lb.sip.JainSipFields.set;

import java.lang.reflect.Field;
import java.net.Socket;
import java.security.GeneralSecurityException;
import java.security.cert.X509Certificate;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Function;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509ExtendedTrustManager;

import gov.nist.javax.sip.stack.NioTcpMessageChannel;
import gov.nist.javax.sip.stack.NioTlsMessageChannel;
import gov.nist.javax.sip.stack.NioTlsMessageProcessor;
import gov.nist.javax.sip.stack.NioTlsWebSocketMessageChannel;
import gov.nist.javax.sip.stack.NioTlsWebSocketMessageProcessor;
import gov.nist.javax.sip.stack.SSLStateMachine;

/**
 * TLS and WSS in jain-sip with SSLContexts the balancer is given (Elytron's), instead of jain-sip's own, which it
 * would build from {@code javax.net.ssl.*} system properties: the contexts go straight into the processors, the stack
 * properties name the contexts' protocols and cipher suites (jain-sip's defaults would forbid TLS 1.3), and client
 * authentication is left to the server context (jain-sip would demand a client certificate on every listener).
 */
final class SipTls {

    private static final Field TLS_SERVER_CONTEXT = field(NioTlsMessageProcessor.class, "sslServerCtx");
    private static final Field TLS_CLIENT_CONTEXT = field(NioTlsMessageProcessor.class, "sslClientCtx");
    private static final Field WSS_SERVER_CONTEXT = field(NioTlsWebSocketMessageProcessor.class, "sslServerCtx");
    private static final Field WSS_CLIENT_CONTEXT = field(NioTlsWebSocketMessageProcessor.class, "sslClientCtx");
    private static final Field TLS_STATE = field(NioTlsMessageChannel.class, "sslStateMachine");
    private static final Field WSS_STATE = field(NioTlsWebSocketMessageChannel.class, "sslStateMachine");
    private static final Field ENGINE = field(SSLStateMachine.class, "sslEngine");
    /** The protocol of a session whose handshake has not completed. */
    private static final String NO_SESSION = "NONE";

    private SipTls() {
    }


    /** Hands a TLS processor the context it serves with and the one it connects out with. */
    static void use(NioTlsMessageProcessor processor, SSLContext server, SSLContext client) {
        set(TLS_SERVER_CONTEXT, processor, server);
        set(TLS_CLIENT_CONTEXT, processor, client);
    }

    /** Hands a WSS processor the context it serves with and the one it connects out with. */
    static void use(NioTlsWebSocketMessageProcessor processor, SSLContext server, SSLContext client) {
        set(WSS_SERVER_CONTEXT, processor, server);
        set(WSS_CLIENT_CONTEXT, processor, client);
    }


    /** How a server context asks for client certificates: need, want, or neither. */
    record ClientAuth(boolean need, boolean want) {
        static ClientAuth of(SSLContext server) {
            SSLEngine probe = server.createSSLEngine();
            return new ClientAuth(probe.getNeedClientAuth(), probe.getWantClientAuth());
        }
    }

    /**
     * Gives an accepted connection's engine back the client authentication of its context: jain-sip switches it off on
     * every engine it creates, and an Elytron engine takes that.
     */
    static void restore(ClientAuth clientAuth, NioTcpMessageChannel channel) {
        SSLEngine engine = engine(channel);
        if (engine != null && clientAuth.need()) {
            engine.setNeedClientAuth(true);
        } else if (engine != null && clientAuth.want()) {
            engine.setWantClientAuth(true);
        }
    }

    /** Whether the connection is TLS or WSS. */
    static boolean isSecure(NioTcpMessageChannel channel) {
        return channel instanceof NioTlsMessageChannel || channel instanceof NioTlsWebSocketMessageChannel;
    }

    /** Whether a secure connection's TLS handshake has completed (jain-sip only tracks it for TLS, not WSS). */
    static boolean handshakeDone(NioTcpMessageChannel channel) {
        SSLEngine engine = engine(channel);
        return engine != null && !NO_SESSION.equals(engine.getSession().getProtocol());
    }

    /** The size of the largest TLS record the connection's engine writes (16 KiB and its overhead, unless large fragments are on). */
    static int packetBufferSize(NioTcpMessageChannel channel) {
        SSLEngine engine = engine(channel);
        return (engine != null) ? engine.getSession().getPacketBufferSize() : 1 << 15;
    }

    /** The engine jain-sip made for a TLS or WSS connection. */
    private static SSLEngine engine(NioTcpMessageChannel channel) {
        Object state = get((channel instanceof NioTlsMessageChannel) ? TLS_STATE : WSS_STATE, channel);
        return (state != null) ? (SSLEngine) get(ENGINE, state) : null;
    }

    /**
     * The stack properties that make jain-sip's engines follow the contexts: every protocol and cipher suite any of
     * them enables (an Elytron engine keeps only its own context's), and no client authentication forced by jain-sip.
     */
    static Map<String, String> stackProperties(Collection<SSLContext> contexts) {
        String protocols = join(contexts, SSLParameters::getProtocols);
        String ciphers = join(contexts, SSLParameters::getCipherSuites);
        return Map.of("gov.nist.javax.sip.TLS_CLIENT_AUTH_TYPE", "Disabled",
                "gov.nist.javax.sip.TLS_CLIENT_PROTOCOLS", protocols,
                "gov.nist.javax.sip.ENABLED_CIPHER_SUITES", ciphers);
    }

    private static String join(Collection<SSLContext> contexts, Function<SSLParameters, String[]> names) {
        Set<String> all = new LinkedHashSet<>();
        contexts.stream().filter(Objects::nonNull).forEach(context -> all.addAll(java.util.List.of(names.apply(context.getDefaultSSLParameters()))));
        // WSS splits on "," alone: no spaces
        return String.join(",", all);
    }

    /**
     * The context the balancer connects out with when no backend-ssl-context is set: it verifies no certificate, as
     * the original's DisabledAll, and offers none. Built without javax.net.ssl.* (a null key manager offers nothing).
     */
    static SSLContext trustingAnyPeer() {
        try {
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, new TrustManager[] {new TrustingAnyPeer()}, null);
            return context;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static final class TrustingAnyPeer extends X509ExtendedTrustManager {
        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) {
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) {
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) {
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) {
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return new X509Certificate[0];
        }
    }
}
