package org.restcomm.lb.http;

import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiFunction;

import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSession;

import org.restcomm.lb.logging.LoadBalancerLogger;
import org.restcomm.lb.stats.TlsHandshakeFailures;

/**
 * A server {@link SSLEngine} that counts its connection's TLS handshake as failed, once, when the handshake ends in
 * an error (plain text, garbage, an untrusted or missing client certificate, a fatal alert), when the peer goes away
 * after it began, or when {@link #expire() handshake-timeout} ends it; everything else is the JDK engine's.
 */
final class HandshakeWatchingEngine extends SSLEngine {

    private static final int WAITING = 0;
    private static final int STARTED = 1;
    private static final int FINISHED = 2;
    private static final int FAILED = 3;
    /** Closed before the peer sent anything: a port probe, not a handshake. */
    private static final int CLOSED = 4;

    private final SSLEngine engine;
    private final TlsHandshakeFailures failures;
    private final AtomicInteger state = new AtomicInteger(WAITING);
    private volatile Runnable settledAction;

    HandshakeWatchingEngine(SSLEngine engine, TlsHandshakeFailures failures) {
        super(engine.getPeerHost(), engine.getPeerPort());
        this.engine = engine;
        this.failures = failures;
    }

    /** Whether the handshake has ended, well or not: handshake-timeout has nothing more to do. */
    boolean settled() {
        return this.state.get() >= FINISHED;
    }

    /** Runs the action once the handshake has ended, at once if it has. */
    void whenSettled(Runnable action) {
        this.settledAction = action;
        if (this.settled()) {
            action.run();
        }
    }

    /** Moves from an unsettled state to the given settled one; false when the handshake had ended already. */
    private boolean settle(int outcome) {
        int current = this.state.get();
        while (current < FINISHED) {
            if (this.state.compareAndSet(current, outcome)) {
                Runnable action = this.settledAction;
                if (action != null) {
                    action.run();
                }
                return true;
            }
            current = this.state.get();
        }
        return false;
    }

    /**
     * handshake-timeout has run out: counts the failure and answers true unless the handshake ended meanwhile, in
     * which case the connection must be left alone.
     */
    boolean expire() {
        if (this.settle(FAILED)) {
            this.failures.failed();
            return true;
        }
        return false;
    }

    private void fail(String reason) {
        if (this.settle(FAILED)) {
            this.failures.failed();
            LoadBalancerLogger.ROOT_LOGGER.tlsHandshakeFailed(this.getPeerHost(), this.getPeerPort(), reason);
        }
    }

    /** A peer that goes away after it began a handshake has aborted it; one that never sent a byte has only probed. */
    private void closing() {
        if (this.state.get() == STARTED) {
            this.fail("connection closed during the handshake");
        } else {
            this.settle(CLOSED);
        }
    }

    private SSLEngineResult observe(SSLEngineResult result) {
        if (result.getHandshakeStatus() == SSLEngineResult.HandshakeStatus.FINISHED) {
            this.settle(FINISHED);
        }
        return result;
    }

    @Override
    public SSLEngineResult wrap(ByteBuffer[] sources, int offset, int length, ByteBuffer destination) throws SSLException {
        try {
            return this.observe(this.engine.wrap(sources, offset, length, destination));
        } catch (SSLException | RuntimeException e) {
            this.fail(e.toString());
            throw e;
        }
    }

    @Override
    public SSLEngineResult unwrap(ByteBuffer source, ByteBuffer[] destinations, int offset, int length) throws SSLException {
        if (source.hasRemaining()) {
            // bytes from the peer: from now on, a peer that goes away has aborted a handshake, not just probed the port
            this.state.compareAndSet(WAITING, STARTED);
        }
        try {
            return this.observe(this.engine.unwrap(source, destinations, offset, length));
        } catch (SSLException | RuntimeException e) {
            this.fail(e.toString());
            throw e;
        }
    }

    @Override
    public void closeInbound() throws SSLException {
        this.closing();
        this.engine.closeInbound();
    }

    @Override
    public void closeOutbound() {
        this.closing();
        this.engine.closeOutbound();
    }

    @Override
    public Runnable getDelegatedTask() {
        return this.engine.getDelegatedTask();
    }

    @Override
    public boolean isInboundDone() {
        return this.engine.isInboundDone();
    }

    @Override
    public boolean isOutboundDone() {
        return this.engine.isOutboundDone();
    }

    @Override
    public String[] getSupportedCipherSuites() {
        return this.engine.getSupportedCipherSuites();
    }

    @Override
    public String[] getEnabledCipherSuites() {
        return this.engine.getEnabledCipherSuites();
    }

    @Override
    public void setEnabledCipherSuites(String[] suites) {
        this.engine.setEnabledCipherSuites(suites);
    }

    @Override
    public String[] getSupportedProtocols() {
        return this.engine.getSupportedProtocols();
    }

    @Override
    public String[] getEnabledProtocols() {
        return this.engine.getEnabledProtocols();
    }

    @Override
    public void setEnabledProtocols(String[] protocols) {
        this.engine.setEnabledProtocols(protocols);
    }

    @Override
    public SSLSession getSession() {
        return this.engine.getSession();
    }

    @Override
    public SSLSession getHandshakeSession() {
        return this.engine.getHandshakeSession();
    }

    @Override
    public void beginHandshake() throws SSLException {
        this.engine.beginHandshake();
    }

    @Override
    public SSLEngineResult.HandshakeStatus getHandshakeStatus() {
        return this.engine.getHandshakeStatus();
    }

    @Override
    public void setUseClientMode(boolean mode) {
        this.engine.setUseClientMode(mode);
    }

    @Override
    public boolean getUseClientMode() {
        return this.engine.getUseClientMode();
    }

    @Override
    public void setNeedClientAuth(boolean need) {
        this.engine.setNeedClientAuth(need);
    }

    @Override
    public boolean getNeedClientAuth() {
        return this.engine.getNeedClientAuth();
    }

    @Override
    public void setWantClientAuth(boolean want) {
        this.engine.setWantClientAuth(want);
    }

    @Override
    public boolean getWantClientAuth() {
        return this.engine.getWantClientAuth();
    }

    @Override
    public void setEnableSessionCreation(boolean flag) {
        this.engine.setEnableSessionCreation(flag);
    }

    @Override
    public boolean getEnableSessionCreation() {
        return this.engine.getEnableSessionCreation();
    }

    @Override
    public SSLParameters getSSLParameters() {
        return this.engine.getSSLParameters();
    }

    @Override
    public void setSSLParameters(SSLParameters parameters) {
        this.engine.setSSLParameters(parameters);
    }

    @Override
    public String getApplicationProtocol() {
        return this.engine.getApplicationProtocol();
    }

    @Override
    public String getHandshakeApplicationProtocol() {
        return this.engine.getHandshakeApplicationProtocol();
    }

    @Override
    public void setHandshakeApplicationProtocolSelector(BiFunction<SSLEngine, List<String>, String> selector) {
        this.engine.setHandshakeApplicationProtocolSelector(selector);
    }

    @Override
    public BiFunction<SSLEngine, List<String>, String> getHandshakeApplicationProtocolSelector() {
        return this.engine.getHandshakeApplicationProtocolSelector();
    }
}
