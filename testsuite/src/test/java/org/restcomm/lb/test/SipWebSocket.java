package org.restcomm.lb.test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/** A browser's side of SIP over WebSocket (subprotocol "sip"): text frames out, each message received queued. */
final class SipWebSocket implements AutoCloseable {

    private final WebSocket socket;
    private final BlockingQueue<String> received = new LinkedBlockingQueue<>();

    private SipWebSocket(int port) throws Exception {
        this.socket = HttpClient.newHttpClient().newWebSocketBuilder().subprotocols("sip")
                .buildAsync(URI.create("ws://127.0.0.1:" + port + "/"), new WebSocket.Listener() {
                    @Override
                    public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
                        SipWebSocket.this.received.add(data.toString());
                        webSocket.request(1);
                        return null;
                    }
                }).get(10, TimeUnit.SECONDS);
    }

    static SipWebSocket connect(int port) throws Exception {
        return new SipWebSocket(port);
    }

    void send(String message) throws Exception {
        this.socket.sendText(message, true).get(5, TimeUnit.SECONDS);
    }

    /** The next message, or null after the timeout. */
    String receive(long timeoutMillis) throws InterruptedException {
        return this.received.poll(timeoutMillis, TimeUnit.MILLISECONDS);
    }

    @Override
    public void close() {
        this.socket.abort();
    }
}
