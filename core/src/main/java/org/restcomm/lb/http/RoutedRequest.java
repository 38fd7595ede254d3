package org.restcomm.lb.http;

import org.restcomm.lb.algorithm.HttpRequestView;

/** A request as {@link NodeSelector} reads it: what algorithms see, and the affinity hints read before asking them. */
interface RoutedRequest extends HttpRequestView {

    String SESSION_ID = "jsessionid";

    /** The Restcomm instance id the request's path names; null when none. */
    String restcommInstanceId();

    /** The jvmRoute suffix of the session id (path parameter, query parameter, then cookie); null when none. */
    String jvmRoute();

    /** A WebSocket upgrade asking for the {@code sip} subprotocol (RFC 7118): it goes to the node's wsPort. */
    boolean isSipWebSocket();

    /**
     * The Restcomm instance id in {@code /…/Accounts/<account>/Calls/<instance>-<call sid>}: Restcomm prefixes the
     * sids of calls it creates with its own instance id, so requests about a call reach the node that holds it.
     */
    static String instanceIdInPath(String path) {
        if (!path.contains("Accounts/")) {
            // most requests: no split per request
            return null;
        }
        String[] segments = path.split("/");
        for (int i = 0; i + 3 < segments.length; i++) {
            if (segments[i].equals("Accounts") && segments[i + 2].startsWith("Calls")) {
                String sid = segments[i + 3];
                int dash = sid.indexOf('-');
                return (dash > 0) ? sid.substring(0, dash) : null;
            }
        }
        return null;
    }

    /** The jvmRoute of a session id: what follows its last dot; null when none. */
    static String jvmRouteOf(String sessionId) {
        if (sessionId == null) {
            return null;
        }
        int dot = sessionId.lastIndexOf('.');
        return (dot >= 0 && dot < sessionId.length() - 1) ? sessionId.substring(dot + 1) : null;
    }
}
