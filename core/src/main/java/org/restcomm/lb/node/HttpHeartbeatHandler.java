package org.restcomm.lb.node;

import java.net.InetSocketAddress;
import java.util.Optional;

import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.Headers;
import io.undertow.util.Methods;
import io.undertow.util.StatusCodes;
import jakarta.json.spi.JsonProvider;
import org.restcomm.lb.logging.LoadBalancerLogger;

/**
 * The original's HTTP/JSON heartbeat: {@code POST} any path, one JSON command, a one-key JSON reply, and the
 * connection closed after each reply.
 */
public final class HttpHeartbeatHandler implements HttpHandler {

    /** Larger bodies are refused unread. */
    public static final int MAX_BODY_BYTES = 64 * 1024;
    /** Oversized bodies up to this are read and dropped so the client sees its 413; beyond, the connection just closes. */
    private static final int DRAINED_BODY_BYTES = 1024 * 1024;

    private final HeartbeatProtocol protocol;
    private final JsonHeartbeatParser parser;
    private final JsonProvider json;

    public HttpHeartbeatHandler(HeartbeatProtocol protocol, JsonProvider json) {
        this.protocol = protocol;
        this.json = json;
        this.parser = new JsonHeartbeatParser(json);
    }

    @Override
    public void handleRequest(HttpServerExchange exchange) {
        exchange.setPersistent(false);
        InetSocketAddress peer = exchange.getSourceAddress();
        // before reading anything: a refused source costs no parsing
        Optional<HeartbeatReply> refusal = this.protocol.refuseSource(NodeSource.HTTP, peer);
        if (refusal.isPresent()) {
            this.send(exchange, refusal.get().status(), refusal.get().command(), refusal.get().outcome());
            return;
        }
        if (!exchange.getRequestMethod().equals(Methods.POST)) {
            exchange.getResponseHeaders().put(Headers.ALLOW, Methods.POST_STRING);
            this.reject(exchange, StatusCodes.METHOD_NOT_ALLOWED, "heartbeats are POSTed");
            return;
        }
        long length = exchange.getRequestContentLength();
        if (length > MAX_BODY_BYTES) {
            String reason = "body larger than " + MAX_BODY_BYTES + " bytes";
            if (length > DRAINED_BODY_BYTES) {
                this.reject(exchange, StatusCodes.REQUEST_ENTITY_TOO_LARGE, reason);
                return;
            }
            // read and drop the body first: answering while the client still sends resets the connection under its answer
            exchange.setMaxEntitySize(DRAINED_BODY_BYTES);
            exchange.getRequestReceiver().receivePartialBytes((ex, chunk, last) -> {
                if (last) {
                    this.reject(ex, StatusCodes.REQUEST_ENTITY_TOO_LARGE, reason);
                }
            }, (ex, failure) -> this.reject(ex, StatusCodes.REQUEST_ENTITY_TOO_LARGE, reason));
            return;
        }
        exchange.setMaxEntitySize(MAX_BODY_BYTES);
        exchange.getRequestReceiver().receiveFullBytes(this::handleBody,
                (ex, failure) -> this.reject(ex, StatusCodes.REQUEST_ENTITY_TOO_LARGE, "body unreadable or larger than " + MAX_BODY_BYTES + " bytes"));
    }

    private void handleBody(HttpServerExchange exchange, byte[] body) {
        HeartbeatCommand command;
        try {
            command = this.parser.parse(body);
        } catch (MalformedHeartbeatException e) {
            this.reject(exchange, StatusCodes.BAD_REQUEST, e.getMessage());
            return;
        }
        HeartbeatReply reply = this.protocol.apply(command, NodeSource.HTTP, exchange.getSourceAddress());
        this.send(exchange, reply.status(), reply.command(), reply.outcome());
    }

    private void reject(HttpServerExchange exchange, int status, String reason) {
        this.protocol.rejected();
        InetSocketAddress peer = exchange.getSourceAddress();
        LoadBalancerLogger.ROOT_LOGGER.heartbeatRejected(peer, reason);
        if (!exchange.isResponseStarted()) {
            this.send(exchange, status, "error", reason);
        }
    }

    private void send(HttpServerExchange exchange, int status, String key, String value) {
        exchange.setStatusCode(status);
        exchange.getResponseHeaders().put(Headers.CONTENT_TYPE, "application/json");
        exchange.getResponseHeaders().put(Headers.CONNECTION, "close");
        exchange.getResponseSender().send(this.json.createObjectBuilder().add(key, value).build().toString());
    }
}
