package org.restcomm.lb.http;

import io.undertow.server.ExchangeCompletionListener;
import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.Headers;
import io.undertow.util.StatusCodes;
import org.restcomm.lb.intake.Intake;

/** A suspended balancer answers new requests 503 and counts the exchanges still running, as Undertow's GracefulShutdownHandler. */
final class IntakeHandler implements HttpHandler {

    static final String BODY = "503 Service Unavailable: the load balancer is suspended\n";

    private final Intake intake;
    private final HttpHandler next;
    /** One listener for every exchange, not one allocated per request. */
    private final ExchangeCompletionListener ended;

    IntakeHandler(Intake intake, HttpHandler next) {
        this.intake = intake;
        this.next = next;
        this.ended = (exchange, nextListener) -> {
            intake.workEnded();
            nextListener.proceed();
        };
    }

    @Override
    public void handleRequest(HttpServerExchange exchange) throws Exception {
        if (!this.intake.accepting()) {
            exchange.setStatusCode(StatusCodes.SERVICE_UNAVAILABLE);
            // the client should take its next request elsewhere, not to this connection
            exchange.setPersistent(false);
            exchange.getResponseHeaders().put(Headers.CONTENT_TYPE, "text/plain; charset=UTF-8");
            exchange.getResponseSender().send(BODY);
            return;
        }
        this.intake.workStarted();
        exchange.addExchangeCompleteListener(this.ended);
        this.next.handleRequest(exchange);
    }
}
