package org.restcomm.lb.node;

/** A heartbeat message that cannot be understood; it changes nothing and is answered with a 4xx. */
public class MalformedHeartbeatException extends Exception {

    private static final long serialVersionUID = 1L;

    public MalformedHeartbeatException(String message) {
        super(message);
    }

    public MalformedHeartbeatException(String message, Throwable cause) {
        super(message, cause);
    }
}
