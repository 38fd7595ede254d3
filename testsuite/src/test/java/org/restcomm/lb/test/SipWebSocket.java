package org.restcomm.lb.test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/** A browser's side of SIP over WebSocket (subprotocol "sip"): text frames out, each message received queued. */
final class SipWebSocket implements AutoCloseable {

    private final WebSocket socket;
    private final BlockingQueue<String> received = new LinkedBlockingQueue<>();

    private SipWebSocket(int port) throws Exception {
        this(HttpClient.newHttpClient(), URI.create("ws://127.0.0.1:" + port + "/"));
    }

    private SipWebSocket(HttpClient client, URI uri) throws Exception {
        this.socket = client.newWebSocketBuilder().subprotocols("sip")
                .buildAsync(uri, new WebSocket.Listener() {
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

    /** Over wss://, trusting whatever certificate the client context trusts. */
    static SipWebSocket connectSecure(int port, javax.net.ssl.SSLContext client) throws Exception {
        return new SipWebSocket(HttpClient.newBuilder().sslContext(client).build(), URI.create("wss://127.0.0.1:" + port + "/"));
    }

    /** A browser's request as JsSIP writes it: an invalid host in Contact, the given Route set, no body. */
    static String request(String method, int cseq, String via, String branch, List<String> routes, String callId, String transport) {
        StringBuilder request = new StringBuilder(method).append(" sip:bob@127.0.0.1 SIP/2.0\r\n")
                .append("Via: ").append(via).append(";branch=").append(branch).append("\r\n")
                .append("Max-Forwards: 70\r\n");
        routes.forEach(route -> request.append("Route: ").append(route).append("\r\n"));
        return request.append("From: <sip:browser@example.com>;tag=ws1\r\n")
                .append("To: <sip:bob@127.0.0.1>").append(cseq > 1 || "ACK".equals(method) ? ";tag=node-tag" : "").append("\r\n")
                .append("Call-ID: ").append(callId).append("\r\n")
                .append("CSeq: ").append(cseq).append(' ').append(method).append("\r\n")
                .append("Contact: <sip:browser@df7jal23ls0d.invalid;transport=").append(transport).append(">\r\n")
                .append("Content-Length: 0\r\n\r\n").toString();
    }

    /** The next response with this status to this method, within 10 s. */
    String awaitStatus(String status, String method) throws InterruptedException {
        long deadline = System.currentTimeMillis() + 10_000;
        for (long left = 10_000; left > 0; left = deadline - System.currentTimeMillis()) {
            String message = this.receive(left);
            if (message != null && message.startsWith("SIP/2.0 " + status) && message.contains(" " + method + "\r\n")) {
                return message;
            }
        }
        throw new AssertionError("no " + status + " for " + method + " over the WebSocket");
    }

    /** A header's values, one per line or comma-separated. */
    static List<String> headerValues(String message, String name) {
        return message.lines().filter(line -> line.regionMatches(true, 0, name + ":", 0, name.length() + 1))
                .flatMap(line -> java.util.Arrays.stream(line.substring(name.length() + 1).split(",")))
                .map(String::trim).toList();
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
