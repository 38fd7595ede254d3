package org.restcomm.lb.http;

import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.Headers;
import io.undertow.util.NetworkUtils;
import io.undertow.util.StatusCodes;

/**
 * While on, answers every request on the plain listener, WebSocket upgrades too, with a 308 to the same path and query
 * over HTTPS, at the host the client asked for: a 308 keeps the method and the body, so a POST is sent again as a POST.
 * Requests on the HTTPS listener pass.
 */
final class HttpsRedirect implements HttpHandler {

    private static final int HTTPS_DEFAULT_PORT = 443;

    private final HttpHandler next;
    /** The port in Location; 0 while off. */
    private volatile int port;

    HttpsRedirect(HttpHandler next) {
        this.next = next;
    }

    /** @param port the port clients reach HTTPS on, or 0 to stop redirecting */
    void redirectTo(int port) {
        this.port = port;
    }

    /** Whether plain requests are redirected now: the fast path then leaves them all to this handler. */
    boolean active() {
        return this.port != 0;
    }

    @Override
    public void handleRequest(HttpServerExchange exchange) throws Exception {
        int target = this.port;
        if (target == 0 || exchange.getConnection().getSslSessionInfo() != null) {
            this.next.handleRequest(exchange);
            return;
        }
        exchange.setStatusCode(StatusCodes.PERMANENT_REDIRECT);
        exchange.getResponseHeaders().put(Headers.LOCATION, location(exchange, target));
        exchange.setResponseContentLength(0);
        exchange.endExchange();
    }

    /** https://host[:port]/path?query, the host from the Host header without its port (the local address without one). */
    static String location(HttpServerExchange exchange, int port) {
        StringBuilder location = new StringBuilder("https://").append(NetworkUtils.formatPossibleIpv6Address(exchange.getHostName()));
        if (port != HTTPS_DEFAULT_PORT) {
            location.append(':').append(port);
        }
        String uri = exchange.getRequestURI();
        if (exchange.isHostIncludedInRequestURI()) {
            // absolute-form request line: keep only its path
            int path = uri.indexOf('/', uri.indexOf("//") + 2);
            uri = (path < 0) ? "/" : uri.substring(path);
        }
        location.append(uri.isEmpty() ? "/" : uri);
        String query = exchange.getQueryString();
        if (!query.isEmpty()) {
            location.append('?').append(query);
        }
        return location.toString();
    }
}
