package org.restcomm.lb.http;

import java.util.List;
import java.util.function.IntConsumer;

import io.undertow.client.ClientCallback;
import io.undertow.client.ClientConnection;
import io.undertow.client.ClientExchange;
import io.undertow.client.ClientRequest;
import io.undertow.client.ClientResponse;
import io.undertow.client.ContinueNotification;
import io.undertow.client.PushCallback;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.AttachmentKey;
import io.undertow.util.AttachmentList;
import io.undertow.util.Headers;
import io.undertow.util.Methods;
import io.undertow.util.StatusCodes;
import org.restcomm.lb.logging.LoadBalancerLogger;
import org.xnio.IoUtils;
import org.xnio.channels.StreamSinkChannel;
import org.xnio.channels.StreamSourceChannel;

/**
 * A request's exchange with its node as ProxyHandler sees it:
 * <ul>
 * <li>its connection is the {@link NodeConnection}, so that an upgrade goes through it;</li>
 * <li>a 5xx answer to a request bad-node-request-pattern watches is reported;</li>
 * <li>with max-response-size, an answer whose Content-Length says it is too large gets the client a 502 before any of
 * it is relayed, and the node's connection is closed so that the rest is never read. ProxyHandler would otherwise
 * start relaying the answer as soon as its head arrives. Answers without a Content-Length are cut by
 * {@link LimitedResponseConduit} as they stream.</li>
 * </ul>
 */
final class NodeExchange implements ClientExchange {

    static final String TOO_LARGE_BODY = "502 Bad Gateway: the node's answer is larger than the load balancer's max-response-size\n";

    private final ClientExchange exchange;
    private final NodeConnection connection;
    private final HttpServerExchange client;
    private final long limit;

    private NodeExchange(ClientExchange exchange, NodeConnection connection) {
        this.exchange = exchange;
        this.connection = connection;
        this.client = connection.exchange();
        this.limit = connection.maxResponseSize();
    }

    /** The callback ProxyHandler passes with its request to the node, so that it sees this exchange instead of Undertow's. */
    static ClientCallback<ClientExchange> guard(ClientCallback<ClientExchange> proxy, NodeConnection connection) {
        return new ClientCallback<>() {
            @Override
            public void completed(ClientExchange result) {
                proxy.completed(new NodeExchange(result, connection));
            }

            @Override
            public void failed(java.io.IOException e) {
                proxy.failed(e);
            }
        };
    }

    @Override
    public void setResponseListener(ClientCallback<ClientExchange> proxyListener) {
        this.exchange.setResponseListener(new ClientCallback<>() {
            @Override
            public void completed(ClientExchange result) {
                int status = result.getResponse().getResponseCode();
                IntConsumer watch = NodeExchange.this.connection.nodeErrorWatch();
                if (watch != null && status >= 500 && status < 600) {
                    watch.accept(status);
                }
                if (NodeExchange.this.tooLarge(result.getResponse())) {
                    NodeExchange.this.refuse(result);
                } else {
                    proxyListener.completed(NodeExchange.this);
                }
            }

            @Override
            public void failed(java.io.IOException e) {
                proxyListener.failed(e);
            }
        });
    }

    private boolean tooLarge(ClientResponse response) {
        // a HEAD answer declares the size of a body it does not carry
        if (this.limit <= 0 || this.client.getRequestMethod().equals(Methods.HEAD)) {
            return false;
        }
        String length = response.getResponseHeaders().getFirst(Headers.CONTENT_LENGTH);
        try {
            return length != null && Long.parseLong(length.trim()) > this.limit;
        } catch (NumberFormatException e) {
            // Undertow's client refuses such an answer itself
            return false;
        }
    }

    private void refuse(ClientExchange result) {
        LoadBalancerLogger.ROOT_LOGGER.httpResponseTooLarge(this.client.getRequestMethod().toString(), this.client.getRequestURI(),
                String.valueOf(result.getConnection().getPeerAddress()), result.getResponse().getResponseHeaders().getFirst(Headers.CONTENT_LENGTH),
                this.limit);
        this.client.removeAttachment(BackendConnectionCallback.BACKEND);
        IoUtils.safeClose(result.getConnection());
        this.client.setStatusCode(StatusCodes.BAD_GATEWAY);
        if (!this.client.isRequestComplete()) {
            // the request body may still be on its way to the closed node connection
            this.client.setPersistent(false);
        }
        this.client.getResponseHeaders().put(Headers.CONTENT_TYPE, "text/plain; charset=UTF-8");
        this.client.getResponseSender().send(TOO_LARGE_BODY);
    }

    @Override
    public void setContinueHandler(ContinueNotification handler) {
        this.exchange.setContinueHandler(handler);
    }

    @Override
    public void setPushHandler(PushCallback handler) {
        this.exchange.setPushHandler(handler);
    }

    @Override
    public StreamSinkChannel getRequestChannel() {
        return this.exchange.getRequestChannel();
    }

    @Override
    public StreamSourceChannel getResponseChannel() {
        return this.exchange.getResponseChannel();
    }

    @Override
    public ClientRequest getRequest() {
        return this.exchange.getRequest();
    }

    @Override
    public ClientResponse getResponse() {
        return this.exchange.getResponse();
    }

    @Override
    public ClientResponse getContinueResponse() {
        return this.exchange.getContinueResponse();
    }

    @Override
    public ClientConnection getConnection() {
        return this.connection;
    }

    @Override
    public <T> T getAttachment(AttachmentKey<T> key) {
        return this.exchange.getAttachment(key);
    }

    @Override
    public <T> List<T> getAttachmentList(AttachmentKey<? extends List<T>> key) {
        return this.exchange.getAttachmentList(key);
    }

    @Override
    public <T> T putAttachment(AttachmentKey<T> key, T value) {
        return this.exchange.putAttachment(key, value);
    }

    @Override
    public <T> T removeAttachment(AttachmentKey<T> key) {
        return this.exchange.removeAttachment(key);
    }

    @Override
    public <T> void addToAttachmentList(AttachmentKey<AttachmentList<T>> key, T value) {
        this.exchange.addToAttachmentList(key, value);
    }
}
