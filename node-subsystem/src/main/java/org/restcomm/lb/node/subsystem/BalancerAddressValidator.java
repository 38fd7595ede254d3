package org.restcomm.lb.node.subsystem;

import java.util.Arrays;
import java.util.List;

import org.jboss.as.controller.OperationFailedException;
import org.jboss.as.controller.operations.validation.ModelTypeValidator;
import org.jboss.dmr.ModelNode;
import org.jboss.dmr.ModelType;
import org.restcomm.lb.node.HostAndPort;
import org.restcomm.lb.node.client.NodeHeartbeatSettings;

/** Accepts {@code host}, {@code host:port} or {@code [IPv6]:port} of a balancer's heartbeat endpoint, several comma-separated. */
final class BalancerAddressValidator extends ModelTypeValidator {

    BalancerAddressValidator() {
        super(ModelType.STRING, false, true);
    }

    @Override
    public void validateParameter(String parameterName, ModelNode value) throws OperationFailedException {
        super.validateParameter(parameterName, value);
        if (value.isDefined() && value.getType() != ModelType.EXPRESSION) {
            for (String address : split(value.asString())) {
                try {
                    HostAndPort.parse(address, NodeHeartbeatSettings.DEFAULT_BALANCER_PORT);
                } catch (IllegalArgumentException e) {
                    throw new OperationFailedException(String.format("%s: '%s' is not host, host:port or [IPv6]:port of a balancer (%s)", parameterName, address, e.getMessage()));
                }
            }
        }
    }

    static List<String> split(String addresses) {
        return Arrays.stream(addresses.split("[,\\s]+")).filter(address -> !address.isEmpty()).toList();
    }
}
