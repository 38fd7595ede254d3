package org.restcomm.lb.node;

/** One message of the node heartbeat protocol, whatever carried it. */
public sealed interface HeartbeatCommand {

    /** The JSON key that names the command on the wire. */
    String name();

    record Start(NodeAdvertisement advertisement) implements HeartbeatCommand {
        public String name() {
            return "start";
        }
    }

    record Heartbeat(String sessionId) implements HeartbeatCommand {
        public String name() {
            return "heartbeat";
        }
    }

    /** Graceful: the node keeps its dialogs and gets no new work. */
    record Shutdown(String sessionId) implements HeartbeatCommand {
        public String name() {
            return "shutdown";
        }
    }

    /** The node leaves now. */
    record Stop(String sessionId) implements HeartbeatCommand {
        public String name() {
            return "stop";
        }
    }

    record Switchover(String fromJvmRoute, String toJvmRoute) implements HeartbeatCommand {
        public String name() {
            return "switchover";
        }
    }
}
