package org.restcomm.lb.subsystem;

import org.jboss.as.controller.OperationFailedException;
import org.jboss.as.controller.operations.validation.ModelTypeValidator;
import org.jboss.dmr.ModelNode;
import org.jboss.dmr.ModelType;

/** Accepts a load factor of at least 1.0: a cap below the average load would leave keys with no node. */
final class LoadFactorValidator extends ModelTypeValidator {
    LoadFactorValidator() {
        super(ModelType.DOUBLE, true, true);
    }

    @Override
    public void validateParameter(String parameterName, ModelNode value) throws OperationFailedException {
        super.validateParameter(parameterName, value);
        if (value.isDefined() && value.getType() != ModelType.EXPRESSION && !(value.asDouble() >= 1.0)) {
            throw new OperationFailedException(SubsystemMessages.loadFactorTooSmall(parameterName, value.asString()));
        }
    }
}
