package org.restcomm.lb.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.WebSocket;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** WebSocket upgrades relay frames both ways: subprotocol sip to the node's wsPort, anything else to its httpPort. */
class HttpWebSocketTest {

    private BalancerTestBed bed;

    @BeforeEach
    void start() throws Exception {
        this.bed = new BalancerTestBed();
        this.bed.node("n1", "n1");
        this.bed.start(HttpBalancerSettings.defaults());
    }

    @AfterEach
    void close() {
        this.bed.close();
    }

    @Test
    void sipSubprotocolGoesToTheWsPortAndFramesFlowBothWays() throws Exception {
        EchoClient client = this.connect("sip", "/");
        for (int i = 0; i < 3; i++) {
            client.socket().sendText("REGISTER " + i, true).get(5, TimeUnit.SECONDS);
            assertEquals("ws-port n1: REGISTER " + i, client.next());
        }
        client.socket().sendClose(WebSocket.NORMAL_CLOSURE, "bye").get(5, TimeUnit.SECONDS);
        assertNotNull(client.closed.get(5, TimeUnit.SECONDS), "the node's close comes back through the balancer");
    }

    @Test
    void otherSubprotocolsGoToTheHttpPort() throws Exception {
        EchoClient client = this.connect("chat", "/ws");
        client.socket().sendText("hello", true).get(5, TimeUnit.SECONDS);
        assertEquals("http-port n1: hello", client.next());
        String big = "x".repeat(200_000);
        client.socket().sendText(big, true).get(5, TimeUnit.SECONDS);
        assertEquals("http-port n1: " + big, client.next(), "a large frame crosses whole");
        // the frames (the big one, a few small ones, their framing) and the upgrade's request and answer, counted once
        long toServer = this.bed.statistics.http().bytesToServer();
        long toClient = this.bed.statistics.http().bytesToClient();
        assertTrue(toServer > 200_000 && toServer < 210_000, "frame bytes to the node counted once: " + toServer);
        assertTrue(toClient > 200_000 && toClient < 210_000, "frame bytes to the client counted once: " + toClient);
    }

    private EchoClient connect(String subprotocol, String path) throws Exception {
        return EchoClient.open(this.bed.client, subprotocol, java.net.URI.create("ws://127.0.0.1:" + this.bed.port() + path));
    }
}
