package org.restcomm.lb.test;

import java.io.IOException;
import java.io.StringReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;

import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;

/** A node's side of the HTTP/JSON heartbeat, as the original's node client speaks it: a fresh POST per message. */
final class HeartbeatClient {

    static final URI ENDPOINT = URI.create("http://127.0.0.1:2610/");

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    record Reply(int status, String body, String connectionHeader) {
        JsonObject json() {
            return Json.createReader(new StringReader(this.body)).readObject();
        }
    }

    /** {@code start} with every value as a string, as the original client sends it. */
    Reply start(Map<String, String> fields) throws IOException, InterruptedException {
        JsonObjectBuilder start = Json.createObjectBuilder();
        fields.forEach(start::add);
        return this.send(Json.createObjectBuilder().add("start", start).build().toString());
    }

    /** heartbeat, shutdown and stop carry sessionId as a JSON number. */
    Reply command(String command, long sessionId) throws IOException, InterruptedException {
        return this.send(Json.createObjectBuilder().add(command, Json.createObjectBuilder().add("sessionId", sessionId)).build().toString());
    }

    Reply switchover(String fromJvmRoute, String toJvmRoute) throws IOException, InterruptedException {
        return this.send(Json.createObjectBuilder()
                .add("switchover", Json.createObjectBuilder().add("fromJvmRoute", fromJvmRoute).add("toJvmRoute", toJvmRoute))
                .build().toString());
    }

    Reply send(String body) throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(ENDPOINT)
                .timeout(Duration.ofSeconds(10))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build();
        HttpResponse<String> response = this.http.send(request, HttpResponse.BodyHandlers.ofString());
        return new Reply(response.statusCode(), response.body(), response.headers().firstValue("Connection").orElse(""));
    }

    /** A start message for a node on 127.0.0.1 whose name will be 127.0.0.1:{@code sipPort}. */
    static Map<String, String> node(int sipPort, long sessionId, String version, String jvmRoute) {
        return Map.of(
                "hostName", "node-" + sipPort,
                "ip", "127.0.0.1",
                "udpPort", Integer.toString(sipPort),
                "tcpPort", Integer.toString(sipPort),
                "httpPort", Integer.toString(sipPort + 3000),
                "version", version,
                "sessionId", Long.toString(sessionId),
                "jvmRoute", jvmRoute);
    }
}
