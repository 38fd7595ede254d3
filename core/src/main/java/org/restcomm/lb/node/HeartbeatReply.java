package org.restcomm.lb.node;

/** The answer to one heartbeat message: an HTTP status and the one-key JSON reply of the original. */
public record HeartbeatReply(int status, String command, String outcome) {

    public static final int OK = 200;
    public static final int UNKNOWN_SESSION = 404;

    static HeartbeatReply ok(HeartbeatCommand command) {
        return new HeartbeatReply(OK, command.name(), "OK");
    }

    static HeartbeatReply unknownSession(HeartbeatCommand command) {
        return new HeartbeatReply(UNKNOWN_SESSION, command.name(), "UNKNOWN");
    }
}
