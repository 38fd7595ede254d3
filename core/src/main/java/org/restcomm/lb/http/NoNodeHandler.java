package org.restcomm.lb.http;

import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.Headers;
import io.undertow.util.StatusCodes;
import org.restcomm.lb.logging.LoadBalancerLogger;

/** What a client hears when no node can take its request and no unavailable-host is set. */
final class NoNodeHandler implements HttpHandler {

    static final String BODY = "503 Service Unavailable: no application server node is available\n";

    @Override
    public void handleRequest(HttpServerExchange exchange) {
        LoadBalancerLogger.ROOT_LOGGER.httpNoNode(exchange.getRequestMethod().toString(), exchange.getRequestURI());
        exchange.setStatusCode(StatusCodes.SERVICE_UNAVAILABLE);
        exchange.getResponseHeaders().put(Headers.CONTENT_TYPE, "text/plain; charset=UTF-8");
        exchange.getResponseSender().send(BODY);
    }
}
