package org.restcomm.lb.subsystem;

import java.util.List;

import org.jboss.as.controller.OperationFailedException;
import org.jboss.as.controller.operations.validation.ModelTypeValidator;
import org.jboss.dmr.ModelNode;
import org.jboss.dmr.ModelType;
import org.restcomm.lb.http.RewriteRules;

/** Accepts one rule Undertow's predicate/handler parser reads, naming the attribute and Undertow's reason otherwise. */
final class RewriteRuleValidator extends ModelTypeValidator {

    RewriteRuleValidator() {
        super(ModelType.STRING, false, false);
    }

    @Override
    public void validateParameter(String parameterName, ModelNode value) throws OperationFailedException {
        super.validateParameter(parameterName, value);
        try {
            RewriteRules.parse(List.of(value.asString()));
        } catch (IllegalArgumentException e) {
            throw new OperationFailedException(SubsystemMessages.invalidRewriteRule(parameterName, value.asString(), e.getMessage()));
        }
    }
}
