package org.restcomm.lb.sip;

import java.util.Properties;

import javax.sip.SipStack;

import gov.nist.core.ServerLogger;
import gov.nist.javax.sip.message.SIPMessage;
import org.jboss.logging.Logger;

/** jain-sip's message trace, at TRACE of category org.restcomm.lb.sip.messages, instead of a file of its own. */
public final class JainSipServerLogger implements ServerLogger {

    private static final Logger LOGGER = Logger.getLogger("org.restcomm.lb.sip.messages");

    @Override
    public void closeLogFile() {
    }

    @Override
    public void logMessage(SIPMessage message, String from, String to, boolean sender, long time) {
        this.log(message, from, to, sender);
    }

    @Override
    public void logMessage(SIPMessage message, String from, String to, String status, boolean sender, long time) {
        this.log(message, from, to, sender);
    }

    @Override
    public void logMessage(SIPMessage message, String from, String to, String status, boolean sender) {
        this.log(message, from, to, sender);
    }

    private void log(SIPMessage message, String from, String to, boolean sender) {
        if (LOGGER.isTraceEnabled()) {
            LOGGER.tracef("%s %s -> %s%n%s", sender ? "sent" : "received", from, to, message);
        }
    }

    @Override
    public void logException(Exception exception) {
        LOGGER.debug(exception.getMessage(), exception);
    }

    @Override
    public void setStackProperties(Properties properties) {
    }

    @Override
    public void setSipStack(SipStack stack) {
    }
}
