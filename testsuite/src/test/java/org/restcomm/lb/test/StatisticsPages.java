package org.restcomm.lb.test;

import java.io.IOException;
import java.io.StringReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;

/** The original's statistics pages on port 2006, read as a dashboard reads them. */
final class StatisticsPages {

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private StatisticsPages() {
    }

    static HttpResponse<String> get(String path) throws IOException, InterruptedException {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:2006" + path)).timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
    }

    static JsonObject lbstat() throws IOException, InterruptedException {
        return Json.createReader(new StringReader(get("/lbstat").body())).readObject().getJsonObject("Metrics");
    }

    static JsonObject lbinfo() throws IOException, InterruptedException {
        return Json.createReader(new StringReader(get("/lbinfo").body())).readObject().getJsonObject("Nodes info");
    }

    /** The node of /lbinfo with this ip and udpPort. */
    static JsonObject node(JsonObject lbinfo, String ip, String udpPort) {
        return lbinfo.getJsonArray("nodesIPv4").stream()
                .map(JsonValue::asJsonObject)
                .filter(node -> node.getString("ip").equals(ip) && udpPort.equals(node.getJsonObject("properties").getString("udpPort", null)))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no node " + ip + ":" + udpPort + " in " + lbinfo));
    }
}
