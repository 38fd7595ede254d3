package org.restcomm.lb.node.client;

import java.net.URI;

import org.jboss.logging.BasicLogger;
import org.jboss.logging.Logger;
import org.jboss.logging.Logger.Level;
import org.jboss.logging.annotations.LogMessage;
import org.jboss.logging.annotations.Message;
import org.jboss.logging.annotations.MessageLogger;

/** Log messages of the node-side heartbeat client, project code RLB, ids from 200 (the subsystems' own messages use 100-199). */
@MessageLogger(projectCode = "RLB", length = 4)
interface NodeClientLogger extends BasicLogger {

    NodeClientLogger LOGGER = Logger.getMessageLogger(NodeClientLogger.class, "org.restcomm.lb.node.client");

    @LogMessage(level = Level.INFO)
    @Message(id = 200, value = "Registered with the balancer at %s as %s (session %s)")
    void registered(URI balancer, String nodeName, String sessionId);

    @LogMessage(level = Level.WARN)
    @Message(id = 201, value = "Balancer at %s does not answer %s (%s); start is sent until it does; check the balancers attribute")
    void balancerUnreachable(URI balancer, String command, String reason);

    @LogMessage(level = Level.INFO)
    @Message(id = 202, value = "Balancer at %s no longer knows session %s; sending start again")
    void forgotten(URI balancer, String sessionId);

    @LogMessage(level = Level.WARN)
    @Message(id = 203, value = "Balancer at %s refused %s with HTTP %d: %s")
    void refused(URI balancer, String command, int status, String body);
}
