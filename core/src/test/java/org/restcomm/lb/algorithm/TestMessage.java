package org.restcomm.lb.algorithm;

import java.util.Map;

/** A SIP message as an algorithm sees it. */
record TestMessage(String callId, String fromUser, String toUser, Map<String, String> headers) implements SipMessageView {

    static TestMessage call(String callId) {
        return new TestMessage(callId, "alice", "bob", Map.of());
    }

    static TestMessage between(String callId, String fromUser, String toUser) {
        return new TestMessage(callId, fromUser, toUser, Map.of());
    }

    @Override
    public String method() {
        return "INVITE";
    }

    @Override
    public String header(String name) {
        return this.headers.get(name);
    }

    @Override
    public boolean inDialog() {
        return false;
    }
}
