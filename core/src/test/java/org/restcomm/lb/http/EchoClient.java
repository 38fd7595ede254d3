package org.restcomm.lb.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/** A WebSocket client of the JDK that collects whole text messages, for the test nodes' echo endpoints. */
final class EchoClient implements WebSocket.Listener {

    final CompletableFuture<Integer> closed = new CompletableFuture<>();
    private final BlockingQueue<String> messages = new LinkedBlockingQueue<>();
    private final StringBuilder text = new StringBuilder();
    private WebSocket socket;

    /** Opens the WebSocket, asserting the node accepted the subprotocol. */
    static EchoClient open(HttpClient client, String subprotocol, URI uri) throws Exception {
        EchoClient echo = new EchoClient();
        echo.socket = client.newWebSocketBuilder().subprotocols(subprotocol).buildAsync(uri, echo).get(5, TimeUnit.SECONDS);
        assertEquals(subprotocol, echo.socket.getSubprotocol());
        return echo;
    }

    WebSocket socket() {
        return this.socket;
    }

    /** Sends a message and waits for the next one back. */
    String exchange(String message) throws Exception {
        this.socket.sendText(message, true).get(5, TimeUnit.SECONDS);
        return this.next();
    }

    String next() throws InterruptedException {
        String message = this.messages.poll(5, TimeUnit.SECONDS);
        assertNotNull(message, "no echo within 5 s");
        return message;
    }

    @Override
    public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
        this.text.append(data);
        if (last) {
            this.messages.add(this.text.toString());
            this.text.setLength(0);
        }
        webSocket.request(1);
        return null;
    }

    @Override
    public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
        this.closed.complete(statusCode);
        return null;
    }
}
