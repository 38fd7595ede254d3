package org.restcomm.lb.subsystem;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import org.jboss.as.controller.capability.RuntimeCapability;
import org.jboss.as.controller.client.helpers.Operations;
import org.jboss.as.network.SocketBinding;
import org.jboss.as.subsystem.test.AbstractSubsystemTest;
import org.jboss.as.subsystem.test.AdditionalInitialization;
import org.jboss.as.subsystem.test.KernelServices;
import org.jboss.dmr.ModelNode;
import org.junit.Before;
import org.junit.Test;
import org.wildfly.io.IOServiceDescriptor;

/** The HTTPS listener's socket binding and ssl-context are set together or not at all; dangling ssl-context names are refused. */
public class HttpTlsAttributesTestCase extends AbstractSubsystemTest {

    private static final String XML = "<subsystem xmlns=\"urn:restcomm:load-balancer:1.2\" statistics-socket-binding=\"stats\">"
            + "<http socket-binding=\"http\"/></subsystem>";
    private static final ModelNode HTTP = Operations.createAddress("subsystem", "load-balancer", "http", "default");

    private KernelServices services;

    public HttpTlsAttributesTestCase() {
        super(LoadBalancerSubsystemResourceDefinitionRegistrar.REGISTRATION.getName(), new LoadBalancerExtension());
    }

    @Before
    public void boot() throws Exception {
        this.services = this.createKernelServicesBuilder(AdditionalInitialization.withCapabilities(
                        RuntimeCapability.resolveCapabilityName(SocketBinding.SERVICE_DESCRIPTOR, "stats"),
                        RuntimeCapability.resolveCapabilityName(SocketBinding.SERVICE_DESCRIPTOR, "http"),
                        RuntimeCapability.resolveCapabilityName(SocketBinding.SERVICE_DESCRIPTOR, "https"),
                        RuntimeCapability.resolveCapabilityName(SslContextReference.SSL_CONTEXT, "server-tls"),
                        RuntimeCapability.resolveCapabilityName(SslContextReference.SSL_CONTEXT, "node-tls"),
                        IOServiceDescriptor.DEFAULT_WORKER.getName(), ServerCapabilities.SUSPEND_CONTROLLER))
                .setSubsystemXml(XML)
                .build();
        assertTrue(this.services.isSuccessfulBoot());
    }

    @Test
    public void sslContextWithoutHttpsSocketBindingIsRefused() {
        ModelNode outcome = this.services.executeOperation(Operations.createWriteAttributeOperation(HTTP, "ssl-context", "server-tls"));
        assertFalse(outcome.toString(), Operations.isSuccessfulOutcome(outcome));
        assertTrue(outcome.toString(), Operations.getFailureDescription(outcome).asString().contains("https-socket-binding"));
    }

    @Test
    public void httpsSocketBindingWithoutSslContextIsRefused() {
        ModelNode outcome = this.services.executeOperation(Operations.createWriteAttributeOperation(HTTP, "https-socket-binding", "https"));
        assertFalse(outcome.toString(), Operations.isSuccessfulOutcome(outcome));
        assertTrue(outcome.toString(), Operations.getFailureDescription(outcome).asString().contains("ssl-context"));
    }

    @Test
    public void bothTogetherAreAcceptedAndWrittenToXml() throws Exception {
        ModelNode batch = Operations.CompositeOperationBuilder.create()
                .addStep(Operations.createWriteAttributeOperation(HTTP, "https-socket-binding", "https"))
                .addStep(Operations.createWriteAttributeOperation(HTTP, "ssl-context", "server-tls"))
                .addStep(Operations.createWriteAttributeOperation(HTTP, "backend-ssl-context", "node-tls"))
                .build().getOperation();
        ModelNode outcome = this.services.executeOperation(batch);
        assertTrue(outcome.toString(), Operations.isSuccessfulOutcome(outcome));
        String xml = this.services.getPersistedSubsystemXml();
        assertTrue(xml, xml.contains("https-socket-binding=\"https\"") && xml.contains("ssl-context=\"server-tls\"")
                && xml.contains("backend-ssl-context=\"node-tls\""));
    }

    @Test
    public void aRewriteRuleUndertowCannotParseIsRefusedNamingTheAttributeAndChangesNothing() throws Exception {
        ModelNode good = new ModelNode().add("path-prefix('/old') -> rewrite('/new${remaining}')");
        assertTrue(Operations.isSuccessfulOutcome(this.services.executeOperation(Operations.createWriteAttributeOperation(HTTP, "rewrite-rules", good))));

        ModelNode bad = new ModelNode().add("path('/a') -> redirect('/b')").add("path-prefix('/old' -> nonsense(");
        ModelNode outcome = this.services.executeOperation(Operations.createWriteAttributeOperation(HTTP, "rewrite-rules", bad));

        assertFalse(outcome.toString(), Operations.isSuccessfulOutcome(outcome));
        assertTrue(outcome.toString(), Operations.getFailureDescription(outcome).asString().contains("rewrite-rules"));
        assertEquals(good, this.services.readWholeModel().get("subsystem", "load-balancer", "http", "default", "rewrite-rules"));
        String xml = this.services.getPersistedSubsystemXml();
        assertTrue(xml, xml.contains("<rewrite-rule name=\"path-prefix('/old') -&gt; rewrite('/new${remaining}')\"/>"));
    }

    @Test
    public void anSslContextThatDoesNotExistIsRefused() {
        ModelNode outcome = this.services.executeOperation(Operations.createWriteAttributeOperation(HTTP, "backend-ssl-context", "nowhere"));
        assertFalse(outcome.toString(), Operations.isSuccessfulOutcome(outcome));
        assertEquals(outcome.toString(), true, Operations.getFailureDescription(outcome).asString().contains("nowhere"));
    }

    @Test
    public void redirectToHttpsWithoutAnHttpsListenerIsRefusedNamingIt() {
        ModelNode outcome = this.services.executeOperation(Operations.createWriteAttributeOperation(HTTP, "redirect-to-https", true));
        assertFalse(outcome.toString(), Operations.isSuccessfulOutcome(outcome));
        String failure = Operations.getFailureDescription(outcome).asString();
        assertTrue(outcome.toString(), failure.contains("redirect-to-https") && failure.contains("https-socket-binding"));
    }

    @Test
    public void redirectToHttpsWithAnHttpsListenerIsAcceptedAndUndefiningTheListenerUnderItIsRefused() throws Exception {
        ModelNode batch = Operations.CompositeOperationBuilder.create()
                .addStep(Operations.createWriteAttributeOperation(HTTP, "https-socket-binding", "https"))
                .addStep(Operations.createWriteAttributeOperation(HTTP, "ssl-context", "server-tls"))
                .addStep(Operations.createWriteAttributeOperation(HTTP, "redirect-to-https", true))
                .addStep(Operations.createWriteAttributeOperation(HTTP, "https-redirect-port", 443))
                .build().getOperation();
        ModelNode outcome = this.services.executeOperation(batch);
        assertTrue(outcome.toString(), Operations.isSuccessfulOutcome(outcome));
        String xml = this.services.getPersistedSubsystemXml();
        assertTrue(xml, xml.contains("redirect-to-https=\"true\"") && xml.contains("https-redirect-port=\"443\""));

        ModelNode removeListener = Operations.CompositeOperationBuilder.create()
                .addStep(Operations.createUndefineAttributeOperation(HTTP, "https-socket-binding"))
                .addStep(Operations.createUndefineAttributeOperation(HTTP, "ssl-context"))
                .build().getOperation();
        outcome = this.services.executeOperation(removeListener);
        assertFalse(outcome.toString(), Operations.isSuccessfulOutcome(outcome));
        assertTrue(outcome.toString(), Operations.getFailureDescription(outcome).asString().contains("redirect-to-https"));
    }

    @Test
    public void aRedirectPortOutsideThePortRangeIsRefusedNamingIt() {
        ModelNode outcome = this.services.executeOperation(Operations.createWriteAttributeOperation(HTTP, "https-redirect-port", 70000));
        assertFalse(outcome.toString(), Operations.isSuccessfulOutcome(outcome));
        assertTrue(outcome.toString(), Operations.getFailureDescription(outcome).asString().contains("https-redirect-port"));
        outcome = this.services.executeOperation(Operations.createWriteAttributeOperation(HTTP, "handshake-timeout", -1));
        assertFalse(outcome.toString(), Operations.isSuccessfulOutcome(outcome));
        assertTrue(outcome.toString(), Operations.getFailureDescription(outcome).asString().contains("handshake-timeout"));
    }

    @Test
    public void anUnreadableRewriteRuleIsRefusedNamingItAndAGoodOneIsWrittenAsAnElement() throws Exception {
        ModelNode bad = new ModelNode().add("path-prefix('/old') -> redirect('/new')").add("no-such-handler(x) ->");
        ModelNode outcome = this.services.executeOperation(Operations.createWriteAttributeOperation(HTTP, "rewrite-rules", bad));
        assertFalse(outcome.toString(), Operations.isSuccessfulOutcome(outcome));
        assertTrue(outcome.toString(), Operations.getFailureDescription(outcome).asString().contains("rewrite-rules"));

        ModelNode good = new ModelNode().add("regex('^/someCompany/(.*)$') -> rewrite('/restcomm/${1}')");
        outcome = this.services.executeOperation(Operations.createWriteAttributeOperation(HTTP, "rewrite-rules", good));
        assertTrue(outcome.toString(), Operations.isSuccessfulOutcome(outcome));
        String xml = this.services.getPersistedSubsystemXml();
        assertTrue(xml, xml.contains("<rewrite-rule name=\"regex('^/someCompany/(.*)$') -&gt; rewrite('/restcomm/${1}')\"/>"));
    }
}
