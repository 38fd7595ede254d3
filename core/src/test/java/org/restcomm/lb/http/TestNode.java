package org.restcomm.lb.http;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import javax.net.ssl.SSLContext;

import io.undertow.Undertow;
import io.undertow.UndertowOptions;
import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.server.handlers.BlockingHandler;
import io.undertow.server.handlers.CookieImpl;
import io.undertow.util.HeaderValues;
import io.undertow.util.HttpString;
import io.undertow.websockets.WebSocketConnectionCallback;
import io.undertow.websockets.WebSocketProtocolHandshakeHandler;
import io.undertow.websockets.core.AbstractReceiveListener;
import io.undertow.websockets.core.BufferedTextMessage;
import io.undertow.websockets.core.WebSocketChannel;
import io.undertow.websockets.core.WebSockets;
import io.undertow.websockets.core.protocol.version13.Hybi13Handshake;
import org.xnio.XnioWorker;

/**
 * An application-server node for the tests: answers with its name, hands out {@code JSESSIONID=<id>.<jvmRoute>},
 * digests uploads, streams downloads, and echoes WebSocket text on its httpPort (/ws) and its wsPort, each
 * echo naming the port that answered. A TLS node speaks only TLS, on ports it advertises as sslPort and wssPort.
 * Public for the testsuite, whose backends these are too.
 */
public final class TestNode implements AutoCloseable {

    public static final int MB = 1 << 20;

    public final String name;
    final String jvmRoute;
    public final AtomicInteger requests = new AtomicInteger();
    final AtomicLong uploadBytes = new AtomicLong();
    final Map<String, List<String>> lastHeaders = new ConcurrentHashMap<>();
    public volatile String lastUri;
    /** When set, /stream waits here after its first MiB until the client has read it. */
    volatile CountDownLatch streamGate;
    private final Undertow http;
    private final Undertow ws;
    private final int httpPort;
    private final int wsPort;
    private final boolean tls;

    public TestNode(String name, String jvmRoute, XnioWorker worker) {
        this(name, jvmRoute, worker, null);
    }

    /** @param tls the server side of TLS on both ports, or null for plain HTTP */
    public TestNode(String name, String jvmRoute, XnioWorker worker, SSLContext tls) {
        this.name = name;
        this.jvmRoute = jvmRoute;
        this.tls = tls != null;
        HttpHandler application = new BlockingHandler(this::handle);
        HttpHandler httpPortEcho = echo("http-port");
        this.http = listener(Undertow.builder(), tls).setWorker(worker)
                .setServerOption(UndertowOptions.ENABLE_HTTP2, false)
                .setServerOption(UndertowOptions.MAX_ENTITY_SIZE, -1L)
                .setServerOption(UndertowOptions.ENABLE_STATISTICS, true)
                .setHandler(exchange -> (exchange.getRequestPath().equals("/ws") ? httpPortEcho : application).handleRequest(exchange))
                .build();
        this.ws = listener(Undertow.builder(), tls).setWorker(worker).setHandler(echo("ws-port")).build();
        this.http.start();
        this.ws.start();
        this.httpPort = ((InetSocketAddress) this.http.getListenerInfo().get(0).getAddress()).getPort();
        this.wsPort = ((InetSocketAddress) this.ws.getListenerInfo().get(0).getAddress()).getPort();
    }

    private static Undertow.Builder listener(Undertow.Builder builder, SSLContext tls) {
        return (tls != null) ? builder.addHttpsListener(0, "127.0.0.1", tls) : builder.addHttpListener(0, "127.0.0.1");
    }

    /** The port advertised as httpPort, or as sslPort for a TLS node. */
    public int httpPort() {
        return this.httpPort;
    }

    /** The port advertised as wsPort, or as wssPort for a TLS node. */
    /** Connections open on the http port now. */
    long openHttpConnections() {
        return this.http.getListenerInfo().get(0).getConnectorStatistics().getActiveConnections();
    }

    public int wsPort() {
        return this.wsPort;
    }

    /** What the node would advertise in its heartbeat. */
    Map<String, String> properties() {
        Map<String, String> properties = new HashMap<>();
        properties.put(this.tls ? "sslPort" : "httpPort", Integer.toString(this.httpPort()));
        properties.put(this.tls ? "wssPort" : "wsPort", Integer.toString(this.wsPort()));
        properties.put("sessionId", this.name + "-" + UUID.randomUUID());
        if (this.jvmRoute != null) {
            properties.put("jvmRoute", this.jvmRoute);
        }
        return properties;
    }

    /** A header of the last request the node's application answered, its values joined by commas; null when absent. */
    public String lastHeader(String name) {
        List<String> values = this.lastHeaders.get(name.toLowerCase());
        return (values == null) ? null : String.join(",", values);
    }

    private void handle(HttpServerExchange exchange) throws Exception {
        this.requests.incrementAndGet();
        this.lastUri = exchange.getRequestURI() + (exchange.getQueryString().isEmpty() ? "" : "?" + exchange.getQueryString());
        this.lastHeaders.clear();
        for (HeaderValues values : exchange.getRequestHeaders()) {
            this.lastHeaders.put(values.getHeaderName().toString().toLowerCase(), List.copyOf(values));
        }
        exchange.getResponseHeaders().put(HttpString.tryFromString("X-Node"), this.name);
        if (exchange.getRequestCookie("JSESSIONID") == null && !exchange.getPathParameters().containsKey("jsessionid")) {
            exchange.setResponseCookie(new CookieImpl("JSESSIONID", UUID.randomUUID().toString().replace("-", "") + "." + this.jvmRoute).setPath("/"));
        }
        switch (exchange.getRequestPath()) {
            case "/upload" -> this.upload(exchange);
            case "/stream" -> this.stream(exchange);
            case "/sized" -> this.sized(exchange);
            case "/slow" -> {
                Thread.sleep(Long.parseLong(exchange.getQueryParameters().get("ms").getFirst()));
                exchange.getOutputStream().write(("slow node=" + this.name).getBytes(StandardCharsets.UTF_8));
            }
            default -> {
                exchange.getInputStream().readAllBytes();
                if (exchange.getQueryParameters().containsKey("status")) {
                    // a node in trouble, on request
                    exchange.setStatusCode(Integer.parseInt(exchange.getQueryParameters().get("status").getFirst()));
                }
                exchange.getOutputStream().write(("node=" + this.name).getBytes(StandardCharsets.UTF_8));
            }
        }
    }

    /** Answers "<name> <bytes> <sha-256>" of the body, counting bytes as they arrive. */
    private void upload(HttpServerExchange exchange) throws Exception {
        MessageDigest digest = MessageDigest.getInstance("SHA-256");
        byte[] buffer = new byte[64 * 1024];
        long total = 0;
        try (InputStream in = exchange.getInputStream()) {
            for (int read; (read = in.read(buffer)) > 0;) {
                digest.update(buffer, 0, read);
                total += read;
                this.uploadBytes.addAndGet(read);
            }
        }
        exchange.getOutputStream().write((this.name + " " + total + " " + HexFormat.of().formatHex(digest.digest())).getBytes(StandardCharsets.UTF_8));
    }

    /** Streams ?mb=N MiB of the pattern, without Content-Length (chunked), pausing at streamGate after the first MiB. */
    private void stream(HttpServerExchange exchange) throws IOException, InterruptedException {
        int megabytes = Integer.parseInt(exchange.getQueryParameters().get("mb").getFirst());
        OutputStream out = exchange.getOutputStream();
        for (int i = 0; i < megabytes; i++) {
            out.write(pattern(i));
            if (i == 0 && this.streamGate != null) {
                out.flush();
                if (!this.streamGate.await(20, TimeUnit.SECONDS)) {
                    throw new IOException("the client never read the first MiB");
                }
            }
        }
        out.close();
    }

    /** Answers ?kb=N KiB of zeros with a Content-Length. */
    private void sized(HttpServerExchange exchange) throws IOException {
        int bytes = Integer.parseInt(exchange.getQueryParameters().get("kb").getFirst()) * 1024;
        exchange.setResponseContentLength(bytes);
        if (!exchange.getRequestMethod().equals(io.undertow.util.Methods.HEAD)) {
            exchange.getOutputStream().write(new byte[bytes]);
        }
    }

    /** The i-th MiB of a known byte pattern. */
    public static byte[] pattern(int i) {
        byte[] block = new byte[MB];
        for (int j = 0; j < block.length; j++) {
            block[j] = (byte) (j * 31 + i * 7);
        }
        return block;
    }

    private HttpHandler echo(String port) {
        WebSocketConnectionCallback callback = (exchange, channel) -> {
            channel.getReceiveSetter().set(new AbstractReceiveListener() {
                @Override
                protected void onFullTextMessage(WebSocketChannel socket, BufferedTextMessage message) {
                    WebSockets.sendText(port + " " + this.name() + ": " + message.getData(), socket, null);
                }

                private String name() {
                    return TestNode.this.name;
                }
            });
            channel.resumeReceives();
        };
        return new WebSocketProtocolHandshakeHandler(List.of(new Hybi13Handshake(Set.of("sip", "chat"), false)), callback);
    }

    /** Stops both listeners: the node is dead. */
    @Override
    public void close() {
        this.http.stop();
        this.ws.stop();
    }
}
