package org.restcomm.lb.http;

import java.net.InetSocketAddress;

import io.undertow.attribute.ExchangeAttribute;
import io.undertow.attribute.ReadOnlyAttributeException;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.Headers;

/** The RFC 7239 {@code Forwarded} value for the hop into the balancer, appended to what the client sent. */
final class ForwardedHeader implements ExchangeAttribute {

    static final String NAME = "Forwarded";

    @Override
    public String readAttribute(HttpServerExchange exchange) {
        StringBuilder element = new StringBuilder();
        InetSocketAddress source = exchange.getSourceAddress();
        if (source != null && source.getAddress() != null) {
            String ip = source.getAddress().getHostAddress();
            element.append("for=").append(ip.contains(":") ? "\"[" + ip + "]\"" : ip).append(';');
        }
        element.append("proto=").append(exchange.getRequestScheme());
        String host = exchange.getRequestHeaders().getFirst(Headers.HOST);
        if (host != null && !host.isEmpty()) {
            element.append(";host=\"").append(host.replace("\"", "")).append('"');
        }
        String earlier = exchange.getRequestHeaders().getFirst(NAME);
        return (earlier == null || earlier.isBlank()) ? element.toString() : earlier + ", " + element;
    }

    @Override
    public void writeAttribute(HttpServerExchange exchange, String newValue) throws ReadOnlyAttributeException {
        throw new ReadOnlyAttributeException(NAME, newValue);
    }
}
