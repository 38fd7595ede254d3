package org.restcomm.lb.http;

import java.net.InetSocketAddress;

import io.undertow.attribute.ExchangeAttribute;
import io.undertow.attribute.ReadOnlyAttributeException;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.AttachmentKey;
import io.undertow.util.Headers;

/** The RFC 7239 {@code Forwarded} value for the hop into the balancer, appended to what the client sent. */
final class ForwardedHeader implements ExchangeAttribute {

    static final String NAME = "Forwarded";

    /** The {@code for=…;} part of a connection's requests: its peer address, formatted once per connection. */
    private static final AttachmentKey<String> FOR = AttachmentKey.create(String.class);

    @Override
    public String readAttribute(HttpServerExchange exchange) {
        // nothing in the engine replaces an exchange's source address, so the connection's peer stands for every request
        String forPart = exchange.getConnection().getAttachment(FOR);
        if (forPart == null) {
            forPart = forPart(exchange.getSourceAddress());
            exchange.getConnection().putAttachment(FOR, forPart);
        }
        StringBuilder element = new StringBuilder(96).append(forPart);
        element.append("proto=").append(exchange.getRequestScheme());
        String host = exchange.getRequestHeaders().getFirst(Headers.HOST);
        if (host != null && !host.isEmpty()) {
            element.append(";host=\"").append(host.replace("\"", "")).append('"');
        }
        String earlier = exchange.getRequestHeaders().getFirst(NAME);
        return (earlier == null || earlier.isBlank()) ? element.toString() : earlier + ", " + element;
    }

    private static String forPart(InetSocketAddress source) {
        if (source == null || source.getAddress() == null) {
            return "";
        }
        String ip = source.getAddress().getHostAddress();
        return "for=" + (ip.contains(":") ? "\"[" + ip + "]\"" : ip) + ';';
    }

    @Override
    public void writeAttribute(HttpServerExchange exchange, String newValue) throws ReadOnlyAttributeException {
        throw new ReadOnlyAttributeException(NAME, newValue);
    }
}
