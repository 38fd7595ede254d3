package org.restcomm.lb.subsystem;

import java.util.List;

import org.jboss.as.controller.OperationFailedException;
import org.jboss.as.controller.operations.validation.ModelTypeValidator;
import org.jboss.dmr.ModelNode;
import org.jboss.dmr.ModelType;
import org.restcomm.lb.http.RewriteRules;

/** Accepts an Undertow predicate/handler expression, naming the attribute and Undertow's reason otherwise. */
final class RewriteRuleValidator extends ModelTypeValidator {
    RewriteRuleValidator() {
        super(ModelType.STRING, false, false);
    }

    @Override
    public void validateParameter(String parameterName, ModelNode value) throws OperationFailedException {
        super.validateParameter(parameterName, value);
        parse(parameterName, List.of(value.asString()));
    }

    /** The rules, or a failure naming the attribute. */
    static RewriteRules parse(String attribute, List<String> expressions) throws OperationFailedException {
        try {
            return RewriteRules.parse(expressions);
        } catch (IllegalArgumentException e) {
            throw new OperationFailedException(SubsystemMessages.invalidRewriteRule(attribute, e.getMessage()));
        }
    }
}
