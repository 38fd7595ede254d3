package org.restcomm.lb.stats;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;

import javax.management.JMException;
import javax.management.MBeanServer;
import javax.management.ObjectName;

/** CPU and heap of the balancer's JVM, as the original's JvmCpuUsage and JvmHeapSize. */
public final class JvmStatistics {

    private static final String OPERATING_SYSTEM = "java.lang:type=OperatingSystem";

    private final MemoryMXBean memory = ManagementFactory.getMemoryMXBean();

    /** Recent CPU usage of this process in whole percent (0-100), or 0 when the platform does not tell. */
    public int cpuUsagePercent() {
        double fraction = this.processCpuLoad();
        return (fraction < 0) ? 0 : (int) Math.round(fraction * 100);
    }

    /**
     * Recent CPU usage of this process as the platform's ProcessCpuLoad gives it, as the original's MBean did:
     * 0.0 to 1.0, or a negative value when the platform does not tell.
     */
    public double processCpuLoad() {
        // read through the MBean server so no jdk.management class is linked
        MBeanServer server = ManagementFactory.getPlatformMBeanServer();
        try {
            Object load = server.getAttribute(new ObjectName(OPERATING_SYSTEM), "ProcessCpuLoad");
            return (load instanceof Number) ? ((Number) load).doubleValue() : -1;
        } catch (JMException | RuntimeException e) {
            return -1;
        }
    }

    /** Heap in use, in bytes. */
    public long heapUsedBytes() {
        return this.memory.getHeapMemoryUsage().getUsed();
    }
}
