package org.restcomm.lb.test;

import java.io.IOException;
import java.io.OutputStream;
import java.io.StringReader;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;

import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;

/** A node's side of the HTTP/JSON heartbeat, as the original's node client speaks it: a fresh POST per message. */
final class HeartbeatClient {

    static final URI ENDPOINT = URI.create("http://127.0.0.1:2610/");

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final URI endpoint;

    /** A client of the shared balancer's heartbeat endpoint, 2610. */
    HeartbeatClient() {
        this(ENDPOINT);
    }

    /** A client of another balancer's heartbeat endpoint. */
    HeartbeatClient(URI endpoint) {
        this.endpoint = endpoint;
    }

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
        HttpRequest request = HttpRequest.newBuilder(this.endpoint)
                .timeout(Duration.ofSeconds(10))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build();
        HttpResponse<String> response = this.http.send(request, HttpResponse.BodyHandlers.ofString());
        return new Reply(response.statusCode(), response.body(), response.headers().firstValue("Connection").orElse(""));
    }

    /**
     * One POST from a socket bound to {@code sourceIp} (any of 127.0.0.0/8 poses as another host); the JDK's HTTP
     * client cannot choose its source address.
     */
    Reply sendFrom(String sourceIp, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        try (Socket socket = new Socket()) {
            socket.bind(new InetSocketAddress(sourceIp, 0));
            socket.connect(new InetSocketAddress(this.endpoint.getHost(), this.endpoint.getPort()), 5000);
            socket.setSoTimeout(10_000);
            OutputStream out = socket.getOutputStream();
            out.write(("POST / HTTP/1.1\r\nHost: " + this.endpoint.getHost() + ":" + this.endpoint.getPort() + "\r\nContent-Type: application/json\r\n"
                    + "Content-Length: " + bytes.length + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.write(bytes);
            out.flush();
            String response = new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            int bodyStart = response.indexOf("\r\n\r\n");
            return new Reply(Integer.parseInt(response.substring(9, 12)), (bodyStart < 0) ? "" : response.substring(bodyStart + 4), "");
        }
    }

    /** A start message as {@link #node} but for a node at {@code ip}. */
    static String startJson(String ip, int sipPort, long sessionId, String version) {
        JsonObjectBuilder start = Json.createObjectBuilder();
        node(sipPort, sessionId, version, "route-" + sipPort).forEach(start::add);
        start.add("ip", ip);
        return Json.createObjectBuilder().add("start", start).build().toString();
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
