package org.restcomm.lb.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.ServerSocket;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

import io.undertow.Undertow;
import io.undertow.util.Headers;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.restcomm.lb.node.NodeAdvertisement;
import org.restcomm.lb.node.NodeSource;

/** problem-server-retry: a node that refused a connection gets no requests for that long, then gets them again. */
class HttpProblemServerRetryTest {

    private static final int RETRY_SECONDS = 3;

    private BalancerTestBed bed;
    private int downPort;
    private Undertow revived;

    @BeforeEach
    void start() throws Exception {
        this.bed = new BalancerTestBed();
        this.bed.node("b", "b");
        try (ServerSocket free = new ServerSocket(0)) {
            this.downPort = free.getLocalPort();
        }
        // node a heartbeats but its HTTP port refuses connections
        this.bed.registry.register(new NodeAdvertisement("a", "127.0.0.1", Map.of("httpPort", Integer.toString(this.downPort), "sessionId", "a-1")),
                NodeSource.HTTP);
        this.bed.start(HttpBalancerSettings.builder().problemServerRetrySeconds(RETRY_SECONDS).build());
    }

    @AfterEach
    void close() {
        if (this.revived != null) {
            this.revived.stop();
        }
        this.bed.close();
    }

    @Test
    void refusingNodeRestsForProblemServerRetryThenServesAgain() throws Exception {
        long firstRefusal = System.nanoTime();
        for (int i = 0; i < 4; i++) {
            assertEquals("b", BalancerTestBed.servedBy(this.bed.get("/")), "a refused: its requests go to b");
        }
        // a is back at once, but rests until its pool tries it again
        this.revived = Undertow.builder().addHttpListener(this.downPort, "127.0.0.1").setWorker(this.bed.worker)
                .setHandler(exchange -> {
                    exchange.getResponseHeaders().put(Headers.CONTENT_TYPE, "text/plain");
                    exchange.getResponseSender().send("node=a");
                }).build();
        this.revived.start();
        Set<String> whileResting = new HashSet<>();
        while (elapsedMillis(firstRefusal) < RETRY_SECONDS * 1000L / 2) {
            whileResting.add(BalancerTestBed.servedBy(this.bed.get("/")));
        }
        assertEquals(Set.of("b"), whileResting, "no request reaches a within problem-server-retry of its refusal");

        boolean servedByA = false;
        while (!servedByA && elapsedMillis(firstRefusal) < RETRY_SECONDS * 1000L + 10_000) {
            servedByA = "a".equals(BalancerTestBed.servedBy(this.bed.get("/")));
            Thread.sleep(50);
        }
        assertTrue(servedByA, "after problem-server-retry a is tried again and serves requests");
        assertTrue(elapsedMillis(firstRefusal) >= RETRY_SECONDS * 1000L - 100, "not before problem-server-retry");
    }

    private static long elapsedMillis(long since) {
        return (System.nanoTime() - since) / 1_000_000;
    }
}
