package org.restcomm.lb.admin;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Deque;
import java.util.Map;

import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.Headers;
import io.undertow.util.StatusCodes;
import org.restcomm.lb.logging.LoadBalancerLogger;
import org.restcomm.lb.node.UserRoutes;

/**
 * The original's admin paths on the statistics port, {@code /lbstop}, {@code /lbloglevel} and {@code /lbnoderegex},
 * answered as it did.
 * They change the server, so they are off (404) until enabled, and then each request needs credentials: HTTP Basic,
 * or the original's {@code login} and {@code password} query parameters.
 */
public final class AdminHttpHandler implements HttpHandler {

    /** Checks a user name and password. */
    @FunctionalInterface
    public interface Credentials {
        boolean verify(String user, String password);
    }

    static final String REALM = "load-balancer";
    static final String UNAUTHORIZED = "Authorization required : Incorrect login or password";
    static final String STOPPING = "The load balancer will be stopped\n";
    static final String LOG_LEVEL_CHANGED = "Log level changed";
    static final String REGEX_SET = "Regex set";
    static final String REGEX_NOT_SET = "Regex NOT set, use : 127.0.0.1:2006/lbnoderegex?regex=(.*)(\\d+)(.*)&ip=127.0.0.1&port=5060";

    private final AdminActions actions;
    private final UserRoutes userRoutes;
    private final Credentials credentials;
    private volatile boolean enabled;
    private volatile long stopTimeoutMillis;

    public AdminHttpHandler(AdminActions actions, UserRoutes userRoutes, Credentials credentials, boolean enabled, long stopTimeoutMillis) {
        this.actions = actions;
        this.userRoutes = userRoutes;
        this.credentials = credentials;
        this.enabled = enabled;
        this.stopTimeoutMillis = stopTimeoutMillis;
    }

    public void setEnabled(boolean enabled) {
        this.enabled = enabled;
    }

    public void setStopTimeoutMillis(long millis) {
        this.stopTimeoutMillis = millis;
    }

    /** Whether the path is one of the admin paths and they are on. */
    boolean serves(String path) {
        return this.enabled && ("/lbstop".equals(path) || "/lbloglevel".equals(path) || "/lbnoderegex".equals(path));
    }

    @Override
    public void handleRequest(HttpServerExchange exchange) {
        if (!this.authenticated(exchange)) {
            exchange.setStatusCode(StatusCodes.UNAUTHORIZED);
            exchange.getResponseHeaders().put(Headers.WWW_AUTHENTICATE, "Basic realm=\"" + REALM + "\"");
            send(exchange, UNAUTHORIZED);
            return;
        }
        if ("/lbstop".equals(exchange.getRelativePath())) {
            LoadBalancerLogger.ROOT_LOGGER.adminStopRequested(exchange.getSourceAddress(), this.stopTimeoutMillis);
            // 423 Locked, as the original answered before it went
            exchange.setStatusCode(StatusCodes.LOCKED);
            exchange.addExchangeCompleteListener((done, next) -> {
                next.proceed();
                this.actions.stopGracefully(this.stopTimeoutMillis);
            });
            send(exchange, STOPPING);
            return;
        }
        if ("/lbnoderegex".equals(exchange.getRelativePath())) {
            this.nodeRegex(exchange);
            return;
        }
        String level = parameter(exchange.getQueryParameters(), "logLevel");
        try {
            if (level == null) {
                throw new IllegalArgumentException("logLevel is missing, e.g. /lbloglevel?logLevel=DEBUG");
            }
            this.actions.setLogLevel(level);
        } catch (IllegalArgumentException e) {
            exchange.setStatusCode(StatusCodes.BAD_REQUEST);
            send(exchange, "Log level not changed: " + e.getMessage());
            return;
        }
        send(exchange, LOG_LEVEL_CHANGED);
    }

    /** regex, ip and port send the users the regex finds to that node (user-based algorithm); regex alone takes the route away. */
    private void nodeRegex(HttpServerExchange exchange) {
        Map<String, Deque<String>> query = exchange.getQueryParameters();
        String regex = parameter(query, "regex");
        String ip = parameter(query, "ip");
        String port = parameter(query, "port");
        boolean done;
        try {
            if (regex != null && ip != null && port != null) {
                int number = Integer.parseInt(port);
                if (number < 1 || number > 0xFFFF) {
                    throw new IllegalArgumentException("no port: " + port);
                }
                this.userRoutes.put(regex, ip, number);
                done = true;
            } else {
                done = regex != null && this.userRoutes.remove(regex);
            }
        } catch (IllegalArgumentException e) {
            // a regex that does not compile, or a port that is not one
            done = false;
        }
        if (!done) {
            exchange.setStatusCode(StatusCodes.BAD_REQUEST);
        }
        send(exchange, done ? REGEX_SET : REGEX_NOT_SET);
    }

    private boolean authenticated(HttpServerExchange exchange) {
        String header = exchange.getRequestHeaders().getFirst(Headers.AUTHORIZATION);
        if (header != null && header.regionMatches(true, 0, "Basic ", 0, 6)) {
            String decoded;
            try {
                decoded = new String(Base64.getDecoder().decode(header.substring(6).trim()), StandardCharsets.UTF_8);
            } catch (IllegalArgumentException e) {
                return false;
            }
            int colon = decoded.indexOf(':');
            return colon > 0 && this.credentials.verify(decoded.substring(0, colon), decoded.substring(colon + 1));
        }
        Map<String, Deque<String>> query = exchange.getQueryParameters();
        String login = parameter(query, "login");
        String password = parameter(query, "password");
        return login != null && password != null && this.credentials.verify(login, password);
    }

    private static String parameter(Map<String, Deque<String>> query, String name) {
        Deque<String> values = query.get(name);
        return (values == null || values.isEmpty()) ? null : values.getFirst();
    }

    private static void send(HttpServerExchange exchange, String body) {
        exchange.getResponseHeaders().put(Headers.CONTENT_TYPE, "text/plain; charset=UTF-8");
        exchange.getResponseSender().send(body);
    }
}
