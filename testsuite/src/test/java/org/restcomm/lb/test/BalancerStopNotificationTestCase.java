package org.restcomm.lb.test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import java.io.InputStream;
import java.io.StringReader;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

import com.sun.net.httpserver.HttpServer;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import org.jboss.as.controller.client.helpers.Operations;
import org.jboss.dmr.ModelNode;
import org.junit.jupiter.api.Test;

/** A stopping balancer tells each node on its heartbeatPort, so the node's client goes back to start. */
public class BalancerStopNotificationTestCase extends LoadBalancerTestCase {

    private static final ModelNode HTTP_HEARTBEAT = Operations.createAddress("subsystem", "load-balancer", "heartbeat", "http");

    @Test
    public void nodesHearStopWhenTheHeartbeatReceiverStops() throws Exception {
        BlockingQueue<String> received = new ArrayBlockingQueue<>(4);
        HttpServer node = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        node.createContext("/", exchange -> {
            try (InputStream body = exchange.getRequestBody()) {
                received.add(new String(body.readAllBytes(), StandardCharsets.UTF_8));
            }
            byte[] reply = "{\"stop\":\"OK\"}".getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, reply.length);
            exchange.getResponseBody().write(reply);
            exchange.close();
        });
        node.start();
        try {
            Map<String, String> start = new HashMap<>(HeartbeatClient.node(5501, 95001L, "1", "notified"));
            start.put("heartbeatPort", Integer.toString(node.getAddress().getPort()));
            new HeartbeatClient().start(start);

            // /subsystem=load-balancer/heartbeat=http:remove(){allow-resource-service-restart=true}
            ModelNode remove = Operations.createRemoveOperation(HTTP_HEARTBEAT);
            remove.get("operation-headers", "allow-resource-service-restart").set(true);
            this.management.success(remove);

            String message = received.poll(10, TimeUnit.SECONDS);
            assertNotNull(message, "the node was told");
            JsonObject stop = Json.createReader(new StringReader(message)).readObject().getJsonObject("stop");
            assertEquals("127.0.0.1", stop.getString("ipAddress"));
            assertEquals(2610, stop.getInt("port"));
        } finally {
            node.stop(0);
            // /subsystem=load-balancer/heartbeat=http:add(socket-binding=load-balancer-heartbeat)
            ModelNode add = Operations.createAddOperation(HTTP_HEARTBEAT);
            add.get("socket-binding").set("load-balancer-heartbeat");
            this.management.success(add);
            new HeartbeatClient().command("stop", 95001L);
        }
    }
}
