package org.restcomm.lb.http;

import java.net.InetSocketAddress;
import java.util.Objects;

import javax.net.ssl.SSLContext;

/** Where HTTPS clients connect (the original's httpsPort) and the TLS context that answers them. */
public record HttpsListener(InetSocketAddress address, SSLContext sslContext) {

    public HttpsListener {
        Objects.requireNonNull(address, "address");
        Objects.requireNonNull(sslContext, "sslContext");
    }
}
