package org.restcomm.lb.subsystem;

import org.jboss.as.controller.OperationFailedException;
import org.jboss.as.controller.operations.validation.ModelTypeValidator;
import org.jboss.dmr.ModelNode;
import org.jboss.dmr.ModelType;
import org.restcomm.lb.node.HostAndPort;
import org.restcomm.lb.node.StaticNodes;

/** Accepts {@code host}, {@code host:port} and {@code [IPv6]:port}. */
final class HostAndPortValidator extends ModelTypeValidator {

    HostAndPortValidator() {
        super(ModelType.STRING, false, true);
    }

    @Override
    public void validateParameter(String parameterName, ModelNode value) throws OperationFailedException {
        super.validateParameter(parameterName, value);
        if (value.isDefined() && value.getType() != ModelType.EXPRESSION) {
            try {
                HostAndPort.parse(value.asString(), StaticNodes.DEFAULT_SIP_PORT);
            } catch (IllegalArgumentException e) {
                throw new OperationFailedException(SubsystemMessages.invalidHostAndPort(parameterName, value.asString(), e.getMessage()));
            }
        }
    }
}
