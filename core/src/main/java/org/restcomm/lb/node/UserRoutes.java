package org.restcomm.lb.node;

import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * The original's /lbnoderegex table: users whose name a regular expression finds go to one node, as the user-based
 * algorithm reads it. Set at run time through the admin endpoint, as in the original; not part of the configuration.
 */
public final class UserRoutes {

    private record Route(Pattern pattern, HostAndPort node) {
    }

    private final Map<String, Route> routes = new ConcurrentHashMap<>();

    /** Sends the users the expression finds to the node at host:port; the expression must compile. */
    public void put(String regex, String host, int port) {
        this.routes.put(regex, new Route(Pattern.compile(regex), new HostAndPort(host, port)));
    }

    /** Whether the expression had a route, which is gone now. */
    public boolean remove(String regex) {
        return this.routes.remove(regex) != null;
    }

    public boolean isEmpty() {
        return this.routes.isEmpty();
    }

    /** The node of the first expression that finds the user, if any. */
    public Optional<HostAndPort> nodeFor(String user) {
        for (Route route : this.routes.values()) {
            if (route.pattern().matcher(user).find()) {
                return Optional.of(route.node());
            }
        }
        return Optional.empty();
    }
}
