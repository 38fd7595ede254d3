package org.restcomm.lb.test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import javax.sip.header.CallIdHeader;
import javax.sip.message.Request;
import javax.sip.message.Response;

import org.jboss.as.controller.client.helpers.Operations;
import org.jboss.dmr.ModelNode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The balancer in the server's suspend: new calls and requests refused with 503, calls under way carried to their end, all back on resume. */
public class ServerSuspendTestCase extends LoadBalancerTestCase {

    private static final int NODE = 5181;
    private static final long SESSION = 95181L;
    private static final ModelNode SERVER = new ModelNode().setEmptyList();

    private SipAgent node;
    private SipAgent caller;
    private ScheduledExecutorService heartbeating;

    @BeforeEach
    public void startNode() throws Exception {
        this.node = SipAgent.node(NODE);
        this.caller = SipAgent.caller(5191);
        this.heartbeating = Executors.newSingleThreadScheduledExecutor();
        this.heartbeating.scheduleWithFixedDelay(() -> {
            try {
                this.heartbeats.start(HeartbeatClient.node(NODE, SESSION, "1", "suspend-a"));
            } catch (Exception e) {
                // the next beat tries again
            }
        }, 0, 300, TimeUnit.MILLISECONDS);
        Management.await("the node registered", 10_000, () -> this.management.nodeNames().contains("127.0.0.1:" + NODE));
    }

    @AfterEach
    public void stopNode() throws Exception {
        // :resume, whatever the test left
        this.management.execute(Operations.createOperation("resume", SERVER));
        this.heartbeating.shutdownNow();
        this.heartbeating.awaitTermination(5, TimeUnit.SECONDS);
        this.heartbeats.command("stop", SESSION);
        this.caller.close();
        this.node.close();
    }

    @Test
    public void suspendRefusesNewCallsAndRequestsButEndsCallsUnderWay() throws Exception {
        SipAgent.Call established = this.caller.call("udp", 5060, "before-suspend");
        established.awaitAnswer();

        // :suspend(suspend-timeout=10)
        ModelNode suspend = Operations.createOperation("suspend", SERVER);
        suspend.get("suspend-timeout").set(10);
        this.management.success(suspend);
        // :read-attribute(name=suspend-state)
        assertEquals("SUSPENDED", this.management.read(SERVER, "suspend-state").asString(), "no HTTP exchange or SMPP session was under way");

        SipAgent.Call refused = this.caller.call("udp", 5060, "during-suspend");
        Response unavailable = this.caller.awaitResponse(Request.INVITE, Response.SERVICE_UNAVAILABLE, 10_000);
        assertNotNull(unavailable, "a new INVITE is answered 503");
        assertEquals(refused.callId(), ((CallIdHeader) unavailable.getHeader(CallIdHeader.NAME)).getCallId());
        assertFalse(this.node.drainRequests().stream().anyMatch(request -> request.getMethod().equals(Request.INVITE)
                && ((CallIdHeader) request.getHeader(CallIdHeader.NAME)).getCallId().equals(refused.callId())), "the refused INVITE never reached the node");

        HttpResponse<String> http = get();
        assertEquals(503, http.statusCode());
        assertTrue(http.body().contains("suspended"), http.body());

        established.hangUp();
        Request bye = this.node.awaitRequest(Request.BYE, 5000);
        assertNotNull(bye, "the BYE of the call under way still reached its node");
        assertEquals(established.callId(), ((CallIdHeader) bye.getHeader(CallIdHeader.NAME)).getCallId());

        // :resume
        this.management.success(Operations.createOperation("resume", SERVER));
        assertEquals("RUNNING", this.management.read(SERVER, "suspend-state").asString());
        SipAgent.Call after = this.caller.call("udp", 5060, "after-resume");
        after.awaitAnswer();
        after.hangUp();
        assertFalse(get().body().contains("suspended"), "HTTP requests are taken again");
    }

    private static HttpResponse<String> get() throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(HttpBalancingTestCase.BALANCER.resolve("/suspend-probe")).build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
