package org.restcomm.lb.http;

import java.util.Deque;
import java.util.Map;

import io.undertow.server.HttpServerExchange;
import io.undertow.server.handlers.Cookie;
import io.undertow.util.HeaderValues;
import io.undertow.util.Headers;

/** An Undertow request as algorithms see it, plus the affinity hints the engine reads before asking them. */
final class ExchangeRequestView implements RoutedRequest {

    private final HttpServerExchange exchange;

    ExchangeRequestView(HttpServerExchange exchange) {
        this.exchange = exchange;
    }

    @Override
    public String method() {
        return this.exchange.getRequestMethod().toString();
    }

    @Override
    public String path() {
        return this.exchange.getRequestPath();
    }

    @Override
    public String queryParameter(String name) {
        // an empty query has no parameters: no map built for it
        String query = this.exchange.getQueryString();
        return (query == null || query.isEmpty()) ? null : first(this.exchange.getQueryParameters(), name);
    }

    @Override
    public String cookie(String name) {
        if (!this.exchange.getRequestHeaders().contains(Headers.COOKIE)) {
            return null;
        }
        for (Cookie cookie : this.exchange.requestCookies()) {
            if (cookie.getName().equalsIgnoreCase(name)) {
                return cookie.getValue();
            }
        }
        return null;
    }

    @Override
    public String header(String name) {
        return this.exchange.getRequestHeaders().getFirst(name);
    }

    @Override
    public String restcommInstanceId() {
        return RoutedRequest.instanceIdInPath(this.exchange.getRequestPath());
    }

    @Override
    public String jvmRoute() {
        String sessionId = (this.exchange.getRequestURI().indexOf(';') >= 0) ? first(this.exchange.getPathParameters(), SESSION_ID) : null;
        if (sessionId == null) {
            sessionId = this.queryParameter(SESSION_ID);
        }
        if (sessionId == null) {
            sessionId = this.cookie(SESSION_ID);
        }
        return RoutedRequest.jvmRouteOf(sessionId);
    }

    @Override
    public boolean isSipWebSocket() {
        if (!this.exchange.getRequestHeaders().contains(Headers.UPGRADE)) {
            return false;
        }
        HeaderValues protocols = this.exchange.getRequestHeaders().get(Headers.SEC_WEB_SOCKET_PROTOCOL);
        if (protocols == null) {
            return false;
        }
        for (String value : protocols) {
            for (String protocol : value.split(",")) {
                if (protocol.trim().equalsIgnoreCase("sip")) {
                    return true;
                }
            }
        }
        return false;
    }

    private static String first(Map<String, Deque<String>> parameters, String name) {
        Deque<String> values = parameters.get(name);
        if (values == null) {
            for (Map.Entry<String, Deque<String>> entry : parameters.entrySet()) {
                if (entry.getKey().equalsIgnoreCase(name)) {
                    values = entry.getValue();
                    break;
                }
            }
        }
        return (values != null) ? values.peekFirst() : null;
    }
}
