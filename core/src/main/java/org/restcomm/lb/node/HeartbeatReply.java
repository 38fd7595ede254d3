package org.restcomm.lb.node;

/** The answer to one heartbeat message: an HTTP status and the one-key JSON reply of the original. */
public record HeartbeatReply(int status, String command, String outcome) {

    public static final int OK = 200;
    public static final int FORBIDDEN = 403;
    public static final int UNKNOWN_SESSION = 404;
    public static final int TOO_MANY_REQUESTS = 429;
    public static final int UNAVAILABLE = 503;
    /** The key of a refusal's reply, {@code {"error":"<reason>"}}, as for malformed messages. */
    public static final String ERROR = "error";

    static HeartbeatReply ok(HeartbeatCommand command) {
        return new HeartbeatReply(OK, command.name(), "OK");
    }

    static HeartbeatReply unknownSession(HeartbeatCommand command) {
        return new HeartbeatReply(UNKNOWN_SESSION, command.name(), "UNKNOWN");
    }

    static HeartbeatReply refused(int status, String reason) {
        return new HeartbeatReply(status, ERROR, reason);
    }

    /** Turned away by admission (source, ownership, rate or node limit): nothing changed. */
    public boolean refused() {
        return ERROR.equals(this.command);
    }
}
