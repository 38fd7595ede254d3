package org.restcomm.lb.algorithm;

/**
 * What an algorithm may read of a SIP message. The SIP engine implements it over whatever parser it uses, so
 * an algorithm never forces a full parse on the forwarding path. A view is valid only during the call it is passed
 * to: the engine reads the next message into the same view and buffer. The Strings it returns stay valid; keep those.
 */
public interface SipMessageView {

    String callId();

    /** The request method, or the CSeq method of a response. */
    String method();

    /** The first value of a header, as it appears on the wire; null when absent. */
    String header(String name);

    /** The user part of the From URI; null when there is none. */
    String fromUser();

    /** The user part of the To URI; null when there is none. */
    String toUser();

    /** Whether the To header carries a tag: the request belongs to a dialog. */
    boolean inDialog();

    /** Whether the message reached the balancer over IPv6: its new call goes to an IPv6 node when there is one. */
    default boolean overIpv6() {
        return false;
    }
}
