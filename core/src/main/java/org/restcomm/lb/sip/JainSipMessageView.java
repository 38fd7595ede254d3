package org.restcomm.lb.sip;

import javax.sip.address.SipURI;
import javax.sip.address.URI;
import javax.sip.header.Header;

import gov.nist.javax.sip.message.SIPMessage;
import gov.nist.javax.sip.message.SIPRequest;
import org.restcomm.lb.algorithm.SipMessageView;

/** The algorithm's view of a message parsed by jain-sip. */
final class JainSipMessageView implements SipMessageView {

    private final SIPMessage message;
    private final boolean overIpv6;

    JainSipMessageView(SIPMessage message) {
        this(message, false);
    }

    JainSipMessageView(SIPMessage message, boolean overIpv6) {
        this.message = message;
        this.overIpv6 = overIpv6;
    }

    @Override
    public boolean overIpv6() {
        return this.overIpv6;
    }

    @Override
    public String callId() {
        return this.message.getCallId().getCallId();
    }

    @Override
    public String method() {
        return (this.message instanceof SIPRequest request) ? request.getMethod() : this.message.getCSeq().getMethod();
    }

    @Override
    public String header(String name) {
        Header header = this.message.getHeader(name);
        if (header == null) {
            return null;
        }
        String text = header.toString();
        int colon = text.indexOf(':');
        return text.substring(colon + 1).trim();
    }

    @Override
    public String fromUser() {
        return user(this.message.getFrom().getAddress().getURI());
    }

    @Override
    public String toUser() {
        return user(this.message.getTo().getAddress().getURI());
    }

    @Override
    public boolean inDialog() {
        return this.message.getTo().getTag() != null;
    }

    private static String user(URI uri) {
        return (uri instanceof SipURI sip) ? sip.getUser() : null;
    }
}
