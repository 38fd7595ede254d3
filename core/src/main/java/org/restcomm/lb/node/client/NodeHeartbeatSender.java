package org.restcomm.lb.node.client;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;

import jakarta.json.JsonObjectBuilder;
import jakarta.json.spi.JsonProvider;
import org.restcomm.lb.logging.LoadBalancerLogger;
import org.restcomm.lb.node.HeartbeatReply;

/**
 * A node's side of the HTTP/JSON heartbeat: {@code start} to every balancer, then {@code heartbeat} each
 * interval; {@code start} again whenever a balancer answers {@code UNKNOWN} or was unreachable; {@code shutdown}
 * to drain, {@code stop} to leave. All protocol state lives on one thread, so commands never interleave.
 */
public final class NodeHeartbeatSender {

    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(2);
    private static final long COMMAND_WAIT_MILLIS = 3 * REQUEST_TIMEOUT.toMillis();

    private final NodeHeartbeatSettings settings;
    private final JsonProvider json;
    private final HttpClient http;
    private final ScheduledExecutorService thread;
    private final List<Balancer> balancers;

    // confined to the sender's thread
    private String sessionId;
    private long lastSessionId;
    private boolean draining;
    private ScheduledFuture<?> beats;

    public NodeHeartbeatSender(NodeHeartbeatSettings settings, JsonProvider json) {
        this.settings = settings;
        this.json = json;
        HttpClient.Builder http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(REQUEST_TIMEOUT);
        if (settings.sslContext() != null) {
            http.sslContext(settings.sslContext());
        }
        this.http = http.build();
        this.thread = Executors.newSingleThreadScheduledExecutor(task -> {
            Thread thread = new Thread(task, "restcomm-lb-node-heartbeat");
            thread.setDaemon(true);
            return thread;
        });
        this.balancers = settings.balancers().stream().map(Balancer::new).toList();
    }

    /** Registers with every balancer under a fresh session and beats from then on; waits until each answered or timed out. */
    public void start() {
        await(this.submit(this::startBeating));
    }

    /** Graceful: the balancers keep the node's dialogs and sessions but send it no new work. Heartbeats go on. */
    public CompletableFuture<Void> shutdown() {
        return this.submit(() -> {
            if (this.beats == null) {
                return;
            }
            this.draining = true;
            this.sendToAll(balancer -> balancer.registered ? this.session("shutdown") : this.start(true));
        });
    }

    /**
     * Back to work after {@link #shutdown()}: a new session, which the balancers take as a restarted, active node.
     * Before {@link #start()} it is a start.
     */
    public CompletableFuture<Void> resume() {
        return this.submit(() -> {
            if (this.beats == null) {
                this.startBeating();
            } else {
                this.startSession(false);
            }
        });
    }

    /** Leaves every balancer now and stops beating; waits until each answered or timed out. */
    public void stop() {
        if (this.thread.isShutdown()) {
            return;
        }
        await(this.submit(() -> {
            if (this.beats != null) {
                this.beats.cancel(false);
                this.beats = null;
                this.sendToAll(balancer -> this.session("stop"));
                this.balancers.forEach(balancer -> balancer.registered = false);
            }
        }));
        this.thread.shutdown();
    }

    /** The current session id; null before {@link #start()}. */
    public String sessionId() {
        return await(CompletableFuture.supplyAsync(() -> this.sessionId, this.thread));
    }

    public NodeHeartbeatSettings settings() {
        return this.settings;
    }

    private void startBeating() {
        if (this.beats == null) {
            this.startSession(false);
            long interval = this.settings.interval().toMillis();
            this.beats = this.thread.scheduleWithFixedDelay(this::beat, interval, interval, TimeUnit.MILLISECONDS);
        }
    }

    private void startSession(boolean draining) {
        // strictly increasing, so a resume within the same millisecond is still a new session
        this.lastSessionId = Math.max(System.currentTimeMillis(), this.lastSessionId + 1);
        this.sessionId = Long.toString(this.lastSessionId);
        this.draining = draining;
        this.balancers.forEach(balancer -> balancer.registered = false);
        this.sendToAll(balancer -> this.start(draining));
    }

    private void beat() {
        this.sendToAll(balancer -> balancer.registered ? this.session("heartbeat") : this.start(this.draining));
    }

    /** Sends to every balancer at once and handles the answers here, in balancer order. */
    private void sendToAll(Function<Balancer, Message> message) {
        List<Message> messages = this.balancers.stream().map(message).toList();
        List<CompletableFuture<HttpResponse<String>>> sent = new ArrayList<>();
        for (int i = 0; i < messages.size(); i++) {
            sent.add(this.post(this.balancers.get(i).uri, messages.get(i).body()));
        }
        for (int i = 0; i < messages.size(); i++) {
            Balancer balancer = this.balancers.get(i);
            Message sentMessage = messages.get(i);
            try {
                this.answered(balancer, sentMessage, sent.get(i).join());
            } catch (CompletionException e) {
                this.unreachable(balancer, sentMessage, e.getCause());
            }
        }
    }

    private void answered(Balancer balancer, Message message, HttpResponse<String> response) {
        balancer.failing = false;
        if (response.statusCode() == HeartbeatReply.OK) {
            if (message.command().equals("start")) {
                balancer.registered = true;
                LoadBalancerLogger.ROOT_LOGGER.registeredWithBalancer(balancer.uri, this.settings.nodeName(), this.sessionId);
            }
            return;
        }
        balancer.registered = false;
        if (response.statusCode() == HeartbeatReply.UNKNOWN_SESSION && message.command().equals("heartbeat")) {
            LoadBalancerLogger.ROOT_LOGGER.forgottenByBalancer(balancer.uri, this.sessionId);
            Message start = this.start(this.draining);
            try {
                this.answered(balancer, start, this.post(balancer.uri, start.body()).join());
            } catch (CompletionException e) {
                this.unreachable(balancer, start, e.getCause());
            }
            return;
        }
        LoadBalancerLogger.ROOT_LOGGER.refusedByBalancer(balancer.uri, message.command(), response.statusCode(), response.body());
    }

    private void unreachable(Balancer balancer, Message message, Throwable failure) {
        balancer.registered = false;
        if (!balancer.failing) {
            // once per outage, not once per interval
            balancer.failing = true;
            LoadBalancerLogger.ROOT_LOGGER.balancerUnreachable(balancer.uri, message.command(), String.valueOf(failure));
        }
    }

    private CompletableFuture<HttpResponse<String>> post(URI balancer, String body) {
        HttpRequest request = HttpRequest.newBuilder(balancer)
                .timeout(REQUEST_TIMEOUT)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build();
        return this.http.sendAsync(request, HttpResponse.BodyHandlers.ofString());
    }

    private Message start(boolean draining) {
        JsonObjectBuilder fields = this.json.createObjectBuilder();
        for (Map.Entry<String, String> field : this.settings.startFields(this.sessionId, draining).entrySet()) {
            fields.add(field.getKey(), field.getValue());
        }
        return new Message("start", this.json.createObjectBuilder().add("start", fields).build().toString());
    }

    /** heartbeat, shutdown and stop carry the session id as a JSON number, as the original's nodes sent it. */
    private Message session(String command) {
        return new Message(command, this.json.createObjectBuilder()
                .add(command, this.json.createObjectBuilder().add("sessionId", Long.parseLong(this.sessionId)))
                .build().toString());
    }

    private CompletableFuture<Void> submit(Runnable task) {
        return CompletableFuture.runAsync(task, this.thread);
    }

    private static <T> T await(CompletableFuture<T> future) {
        try {
            return future.get(COMMAND_WAIT_MILLIS, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        } catch (ExecutionException e) {
            throw new IllegalStateException(e.getCause());
        } catch (TimeoutException e) {
            return null;
        }
    }

    private record Message(String command, String body) {
    }

    private static final class Balancer {
        final URI uri;
        boolean registered;
        boolean failing;

        Balancer(URI uri) {
            this.uri = uri;
        }
    }
}
