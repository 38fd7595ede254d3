package org.restcomm.lb.node;

import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.OptionalInt;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import jakarta.json.spi.JsonProvider;
import org.restcomm.lb.logging.LoadBalancerLogger;

/**
 * Tells HTTP-heartbeating nodes that this balancer stops, as the original did, so their clients go back to
 * sending start. Best effort and bounded in time: a node that does not answer is simply not told.
 */
public final class NodeStopNotifier {

    private static final Duration TIMEOUT = Duration.ofMillis(1000);

    private final JsonProvider json;

    public NodeStopNotifier(JsonProvider json) {
        this.json = json;
    }

    public void notifyStop(List<Node> nodes, InetSocketAddress balancer) {
        String body = this.json.createObjectBuilder()
                .add("stop", this.json.createObjectBuilder()
                        .add("ipAddress", balancer.getAddress().getHostAddress())
                        .add("port", balancer.getPort()))
                .build().toString();
        HttpClient client = HttpClient.newBuilder().connectTimeout(TIMEOUT).build();
        List<CompletableFuture<Void>> sent = nodes.stream()
                .filter(node -> node.source() == NodeSource.HTTP)
                .map(node -> send(client, node, body))
                .toList();
        try {
            CompletableFuture.allOf(sent.toArray(CompletableFuture[]::new)).get(2 * TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException e) {
            // failures are logged per node
        }
    }

    private static CompletableFuture<Void> send(HttpClient client, Node node, String body) {
        OptionalInt port = node.port(NodeAdvertisement.HEARTBEAT_PORT);
        if (port.isEmpty()) {
            return CompletableFuture.completedFuture(null);
        }
        String host = node.ip().contains(":") ? "[" + node.ip() + "]" : node.ip();
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://" + host + ":" + port.getAsInt() + "/"))
                .timeout(TIMEOUT)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build();
        return client.sendAsync(request, HttpResponse.BodyHandlers.discarding())
                .<Void>thenApply(response -> null)
                .exceptionally(failure -> {
                    LoadBalancerLogger.ROOT_LOGGER.nodeStopNotificationFailed(node.name(), failure);
                    return null;
                });
    }
}
