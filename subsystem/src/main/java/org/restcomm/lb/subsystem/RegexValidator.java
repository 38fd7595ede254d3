package org.restcomm.lb.subsystem;

import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

import org.jboss.as.controller.OperationFailedException;
import org.jboss.as.controller.operations.validation.ModelTypeValidator;
import org.jboss.dmr.ModelNode;
import org.jboss.dmr.ModelType;

/** Accepts a Java regular expression, naming the attribute and the syntax error otherwise. */
final class RegexValidator extends ModelTypeValidator {
    RegexValidator() {
        super(ModelType.STRING, true, true);
    }

    @Override
    public void validateParameter(String parameterName, ModelNode value) throws OperationFailedException {
        super.validateParameter(parameterName, value);
        if (value.isDefined() && value.getType() != ModelType.EXPRESSION) {
            try {
                Pattern.compile(value.asString());
            } catch (PatternSyntaxException e) {
                throw new OperationFailedException(SubsystemMessages.invalidPattern(parameterName, value.asString(), e.getDescription()));
            }
        }
    }
}
