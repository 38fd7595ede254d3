package org.restcomm.lb.http;

/**
 * Whether plain HTTP requests are answered with a 308 to HTTPS, the original's behaviour when httpsPort was set.
 *
 * @param enabled whether to redirect
 * @param port the port in Location, where an IP load balancer in front maps another one; 0 for the HTTPS listener's own
 */
public record HttpsRedirectSettings(boolean enabled, int port) {

    public static final HttpsRedirectSettings OFF = new HttpsRedirectSettings(false, 0);

    public HttpsRedirectSettings {
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("https-redirect-port must be a port number, not " + port);
        }
    }
}
