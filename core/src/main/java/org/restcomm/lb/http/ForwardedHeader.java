package org.restcomm.lb.http;

import java.net.InetSocketAddress;
import java.util.Objects;

import io.undertow.attribute.ExchangeAttribute;
import io.undertow.attribute.ReadOnlyAttributeException;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.AttachmentKey;
import io.undertow.util.Headers;

/** The RFC 7239 {@code Forwarded} value for the hop into the balancer, appended to what the client sent. */
final class ForwardedHeader implements ExchangeAttribute {

    static final String NAME = "Forwarded";

    /** The last element made on a connection, and the Host it was made for. */
    private record Element(String host, String value) {
    }

    private static final AttachmentKey<Element> LAST = AttachmentKey.create(Element.class);

    @Override
    public String readAttribute(HttpServerExchange exchange) {
        String host = exchange.getRequestHeaders().getFirst(Headers.HOST);
        // a kept-alive connection's requests mostly name the same Host: its element is made once, not per request
        Element last = exchange.getConnection().getAttachment(LAST);
        String element;
        if (last != null && Objects.equals(last.host(), host)) {
            element = last.value();
        } else {
            // nothing in the engine replaces an exchange's source address, so the connection's peer stands for every request
            StringBuilder built = new StringBuilder(96).append(forPart(exchange.getSourceAddress()));
            built.append("proto=").append(exchange.getRequestScheme());
            if (host != null && !host.isEmpty()) {
                built.append(";host=\"").append(host.replace("\"", "")).append('"');
            }
            element = built.toString();
            exchange.getConnection().putAttachment(LAST, new Element(host, element));
        }
        String earlier = exchange.getRequestHeaders().getFirst(NAME);
        return (earlier == null || earlier.isBlank()) ? element : earlier + ", " + element;
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
