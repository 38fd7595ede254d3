package org.restcomm.lb.smpp;

import java.net.InetSocketAddress;
import java.util.Objects;

import javax.net.ssl.SSLContext;

/** Where ESMEs bind over TLS (the original's smppSslPort) and the server TLS context that answers them. */
public record SmppTlsListener(InetSocketAddress address, SSLContext sslContext) {

    public SmppTlsListener {
        Objects.requireNonNull(address, "address");
        Objects.requireNonNull(sslContext, "sslContext");
    }
}
