package org.restcomm.lb.test;

import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.as.arquillian.container.ManagementClient;
import org.jboss.shrinkwrap.api.ShrinkWrap;
import org.jboss.shrinkwrap.api.spec.JavaArchive;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.extension.ExtendWith;

/** What every test of the running balancer has: the server's management client and a node's heartbeat client. */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
abstract class LoadBalancerTestCase {

    /** Arquillian injects the management client only into classes that deploy something; this is that something. */
    @Deployment(testable = false)
    public static JavaArchive deployment() {
        return ShrinkWrap.create(JavaArchive.class, "load-balancer-test.jar").addClass(LoadBalancerTestCase.class);
    }

    @ArquillianResource
    protected ManagementClient managementClient;

    protected Management management;
    protected final HeartbeatClient heartbeats = new HeartbeatClient();

    @BeforeEach
    public void connectManagement() {
        this.management = new Management(this.managementClient.getControllerClient());
    }
}
