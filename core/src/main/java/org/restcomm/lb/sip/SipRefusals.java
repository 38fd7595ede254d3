package org.restcomm.lb.sip;

import java.io.IOException;
import java.text.ParseException;

import gov.nist.javax.sip.message.SIPMessage;
import gov.nist.javax.sip.message.SIPRequest;
import gov.nist.javax.sip.message.SIPResponse;
import gov.nist.javax.sip.parser.StringMsgParser;
import gov.nist.javax.sip.stack.MessageChannel;
import org.restcomm.lb.logging.LoadBalancerLogger;
import org.restcomm.lb.stats.SipStatistics;

/** Answers and counts a message the grammar refuses, on every transport alike: a request gets the refusal's status. */
final class SipRefusals {

    private SipRefusals() {
    }

    /** Counts the message as malformed and, for a request jain-sip can still read, answers it over the channel. */
    static void refuse(SipHeaderSection section, SipHeaderSection.Refusal refusal, MessageChannel channel, SipStatistics statistics) {
        statistics.malformedMessage();
        if (!section.isRequest() || channel == null) {
            return;
        }
        try {
            SIPMessage parsed = new StringMsgParser().parseSIPMessage(section.answerable(), true, false, null);
            if (parsed instanceof SIPRequest request && !"ACK".equals(request.getMethod())) {
                SIPResponse response = request.createResponse(refusal.status(), refusal.reason());
                channel.sendMessage(response);
                statistics.responseProcessed(refusal.status(), response.getSize());
            }
        } catch (ParseException | RuntimeException e) {
            // too broken to answer: dropped, and counted above
        } catch (IOException e) {
            LoadBalancerLogger.ROOT_LOGGER.sipForwardingFailed("SIP/2.0 " + refusal.status(), e);
        }
    }
}
