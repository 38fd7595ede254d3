package org.restcomm.lb.admin;

import java.util.function.Supplier;

import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.Headers;
import io.undertow.util.Methods;
import io.undertow.util.StatusCodes;
import jakarta.json.JsonObject;

/** Serves {@code GET /lbstat} and {@code GET /lbinfo}, and the admin paths when they are on; anything else is 404 or 405. */
public final class StatisticsHttpHandler implements HttpHandler {

    private final Supplier<JsonObject> lbstat;
    private final Supplier<JsonObject> lbinfo;
    private final AdminHttpHandler admin;

    public StatisticsHttpHandler(LbStatReport lbstat, LbInfoReport lbinfo) {
        this(lbstat, lbinfo, null);
    }

    /** @param admin the admin paths; null for none */
    public StatisticsHttpHandler(LbStatReport lbstat, LbInfoReport lbinfo, AdminHttpHandler admin) {
        this.lbstat = lbstat::build;
        this.lbinfo = lbinfo::build;
        this.admin = admin;
    }

    @Override
    public void handleRequest(HttpServerExchange exchange) {
        if (this.admin != null && this.admin.serves(exchange.getRelativePath())) {
            this.admin.handleRequest(exchange);
            return;
        }
        Supplier<JsonObject> report = switch (exchange.getRelativePath()) {
            case "/lbstat", "/lbstat/" -> this.lbstat;
            case "/lbinfo", "/lbinfo/" -> this.lbinfo;
            default -> null;
        };
        if (report == null) {
            exchange.setStatusCode(StatusCodes.NOT_FOUND);
            exchange.getResponseSender().send("Not found: try /lbstat or /lbinfo");
            return;
        }
        if (!exchange.getRequestMethod().equals(Methods.GET) && !exchange.getRequestMethod().equals(Methods.HEAD)) {
            exchange.setStatusCode(StatusCodes.METHOD_NOT_ALLOWED);
            exchange.getResponseHeaders().put(Headers.ALLOW, "GET, HEAD");
            exchange.endExchange();
            return;
        }
        exchange.getResponseHeaders().put(Headers.CONTENT_TYPE, "application/json");
        exchange.getResponseHeaders().put(Headers.CACHE_CONTROL, "no-cache");
        exchange.getResponseSender().send(report.get().toString());
    }
}
