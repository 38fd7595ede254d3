package org.restcomm.lb.sip;

import java.text.ParseException;

import gov.nist.javax.sip.parser.MessageParser;
import gov.nist.javax.sip.parser.MessageParserFactory;
import gov.nist.javax.sip.stack.SIPTransactionStack;
import org.restcomm.lb.stats.SipStatistics;

/** jain-sip's parser, counting what it cannot read: malformed messages are dropped or answered 400 before the valve. */
final class CountingParserFactory implements MessageParserFactory {

    private final MessageParserFactory delegate;
    private final SipStatistics statistics;

    CountingParserFactory(MessageParserFactory delegate, SipStatistics statistics) {
        this.delegate = delegate;
        this.statistics = statistics;
    }

    @Override
    public MessageParser createMessageParser(SIPTransactionStack stack) {
        MessageParser parser = this.delegate.createMessageParser(stack);
        return (bytes, readBody, strict, listener) -> {
            try {
                return parser.parseSIPMessage(bytes, readBody, strict, listener);
            } catch (ParseException | RuntimeException e) {
                this.statistics.malformedMessage();
                throw e;
            }
        };
    }
}
