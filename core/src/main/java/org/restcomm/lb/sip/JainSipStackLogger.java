package org.restcomm.lb.sip;

import java.util.Properties;

import gov.nist.core.StackLogger;
import org.jboss.logging.Logger;

/** Routes jain-sip's stack log to JBoss Logging (category gov.nist.javax.sip), so the stack never loads log4j. */
public final class JainSipStackLogger implements StackLogger {

    private static final Logger LOGGER = Logger.getLogger("gov.nist.javax.sip");

    @Override
    public void logStackTrace() {
        this.logStackTrace(TRACE_DEBUG);
    }

    @Override
    public void logStackTrace(int level) {
        if (this.isLoggingEnabled(level)) {
            LOGGER.debug("stack trace", new Throwable());
        }
    }

    @Override
    public int getLineCount() {
        return 0;
    }

    @Override
    public void logException(Throwable throwable) {
        LOGGER.debug(throwable.getMessage(), throwable);
    }

    @Override
    public void logDebug(String message) {
        LOGGER.debug(message);
    }

    @Override
    public void logDebug(String message, Exception exception) {
        LOGGER.debug(message, exception);
    }

    @Override
    public void logTrace(String message) {
        LOGGER.trace(message);
    }

    @Override
    public void logFatalError(String message) {
        LOGGER.fatal(message);
    }

    @Override
    public void logError(String message) {
        LOGGER.error(message);
    }

    @Override
    public void logError(String message, Exception exception) {
        LOGGER.error(message, exception);
    }

    @Override
    public boolean isLoggingEnabled() {
        return LOGGER.isDebugEnabled();
    }

    @Override
    public boolean isLoggingEnabled(int level) {
        switch (level) {
            case TRACE_FATAL:
                return LOGGER.isEnabled(Logger.Level.FATAL);
            case TRACE_ERROR:
                return LOGGER.isEnabled(Logger.Level.ERROR);
            case TRACE_WARN:
                return LOGGER.isEnabled(Logger.Level.WARN);
            case TRACE_INFO:
                return LOGGER.isInfoEnabled();
            case TRACE_DEBUG:
                return LOGGER.isDebugEnabled();
            case TRACE_NONE:
                return false;
            default:
                return LOGGER.isTraceEnabled();
        }
    }

    @Override
    public void logWarning(String message) {
        LOGGER.warn(message);
    }

    @Override
    public void logInfo(String message) {
        // the stack is chatty at INFO about its own settings
        LOGGER.debug(message);
    }

    @Override
    public void disableLogging() {
    }

    @Override
    public void enableLogging() {
    }

    @Override
    public void setBuildTimeStamp(String timeStamp) {
    }

    @Override
    public void setStackProperties(Properties properties) {
    }

    @Override
    public String getLoggerName() {
        return LOGGER.getName();
    }
}
