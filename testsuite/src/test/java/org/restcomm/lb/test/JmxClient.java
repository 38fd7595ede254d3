package org.restcomm.lb.test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Map;

import javax.management.JMException;
import javax.management.MBeanServerConnection;
import javax.management.ObjectName;
import javax.management.remote.JMXConnector;
import javax.management.remote.JMXConnectorFactory;
import javax.management.remote.JMXServiceURL;

import org.jboss.as.arquillian.container.ManagementClient;

/** Reads the balancer's MBean the way JConsole does: remoting JMX over the management port. */
final class JmxClient {

    static final String OBJECT_NAME = "mobicents:type=LoadBalancer,name=LoadBalancer";

    private JmxClient() {
    }

    static JMXConnector connect(ManagementClient managementClient) throws IOException {
        JMXServiceURL url = new JMXServiceURL("service:jmx:remote+http://" + managementClient.getMgmtAddress() + ":" + managementClient.getMgmtPort());
        // local (silent) authentication, as jconsole.sh uses on the server's machine
        return JMXConnectorFactory.connect(url, Map.of());
    }

    static long invoke(ManagementClient managementClient, String operation, String argument) {
        try (JMXConnector connector = connect(managementClient)) {
            Object result = connector.getMBeanServerConnection().invoke(new ObjectName(OBJECT_NAME), operation, new Object[] { argument }, new String[] { String.class.getName() });
            return ((Number) result).longValue();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (JMException e) {
            throw new AssertionError(e);
        }
    }

    static long read(ManagementClient managementClient, String attribute) {
        try (JMXConnector connector = connect(managementClient)) {
            MBeanServerConnection connection = connector.getMBeanServerConnection();
            return ((Number) connection.getAttribute(new ObjectName(OBJECT_NAME), attribute)).longValue();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (JMException e) {
            throw new AssertionError(e);
        }
    }
}
