package org.restcomm.lb.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** A suspended balancer answers new requests 503, lets the exchanges under way finish, and the suspend completes when they have. */
class HttpSuspendTest {

    private BalancerTestBed bed;

    @BeforeEach
    void bed() throws Exception {
        this.bed = new BalancerTestBed();
        this.bed.node("k", "k");
        this.bed.start(HttpBalancerSettings.defaults());
    }

    @AfterEach
    void close() {
        this.bed.close();
    }

    @Test
    void newRequestsGet503WhileAnExchangeUnderWayFinishes() throws Exception {
        CompletableFuture<HttpResponse<String>> underWay = this.bed.client.sendAsync(HttpRequest.newBuilder(this.bed.uri("/slow?ms=1500")).build(),
                HttpResponse.BodyHandlers.ofString());
        BalancerTestBed.eventually(1, this.bed.intake::inFlight, "the slow exchange is under way");

        CompletionStage<Void> drained = this.bed.intake.stopAccepting();
        HttpResponse<String> refused = this.get("/");
        assertEquals(503, refused.statusCode());
        assertEquals(IntakeHandler.BODY, refused.body());
        assertFalse(drained.toCompletableFuture().isDone(), "the slow exchange still runs");

        HttpResponse<String> finished = underWay.get(10, TimeUnit.SECONDS);
        assertEquals(200, finished.statusCode());
        assertEquals("slow node=k", finished.body());
        drained.toCompletableFuture().get(5, TimeUnit.SECONDS);

        this.bed.intake.resumeAccepting();
        HttpResponse<String> again = this.get("/");
        assertEquals(200, again.statusCode());
        assertTrue(again.body().contains("node=k"), again.body());
    }

    private HttpResponse<String> get(String path) throws Exception {
        return this.bed.client.send(HttpRequest.newBuilder(this.bed.uri(path)).build(), HttpResponse.BodyHandlers.ofString());
    }
}
