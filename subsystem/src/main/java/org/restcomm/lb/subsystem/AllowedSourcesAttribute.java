package org.restcomm.lb.subsystem;

import java.util.List;

import org.jboss.as.controller.AttributeMarshaller;
import org.jboss.as.controller.AttributeParser;
import org.jboss.as.controller.OperationContext;
import org.jboss.as.controller.OperationFailedException;
import org.jboss.as.controller.StringListAttributeDefinition;
import org.jboss.as.controller.operations.validation.ModelTypeValidator;
import org.jboss.as.controller.registry.AttributeAccess;
import org.jboss.dmr.ModelNode;
import org.jboss.dmr.ModelType;
import org.restcomm.lb.node.Cidr;

/** A list of CIDR networks a heartbeat transport admits; undefined admits any source. Applies live. */
final class AllowedSourcesAttribute {

    private AllowedSourcesAttribute() {
    }

    static StringListAttributeDefinition attribute(String name) {
        return new StringListAttributeDefinition.Builder(name)
                .setRequired(false)
                .setAllowExpression(true)
                .setMinSize(1)
                .setElementValidator(new CidrValidator())
                .setAttributeParser(AttributeParser.STRING_LIST)
                .setAttributeMarshaller(AttributeMarshaller.STRING_LIST)
                .setFlags(AttributeAccess.Flag.RESTART_NONE)
                .build();
    }

    /** The networks of the model, or null when the attribute is undefined. */
    static List<Cidr> resolve(StringListAttributeDefinition attribute, OperationContext context, ModelNode model) throws OperationFailedException {
        ModelNode value = attribute.resolveModelAttribute(context, model);
        return value.isDefined() ? value.asList().stream().map(ModelNode::asString).map(Cidr::parse).toList() : null;
    }

    /** Refuses a malformed network at write time, naming the attribute. */
    private static final class CidrValidator extends ModelTypeValidator {

        CidrValidator() {
            super(ModelType.STRING, false, true);
        }

        @Override
        public void validateParameter(String parameterName, ModelNode value) throws OperationFailedException {
            super.validateParameter(parameterName, value);
            if (value.isDefined() && value.getType() != ModelType.EXPRESSION) {
                try {
                    Cidr.parse(value.asString());
                } catch (IllegalArgumentException e) {
                    throw new OperationFailedException(SubsystemMessages.invalidCidr(parameterName, value.asString(), e.getMessage()));
                }
            }
        }
    }
}
