package org.restcomm.lb.admin;

import java.net.InetSocketAddress;

import org.restcomm.lb.logging.LoadBalancerLogger;
import org.restcomm.lb.node.HttpEndpoint;
import org.xnio.XnioWorker;

/** The statistics HTTP endpoint of the original (statisticPort, 2006): /lbstat and /lbinfo. */
public final class StatisticsEndpoint {

    private final HttpEndpoint endpoint;

    public StatisticsEndpoint(InetSocketAddress address, XnioWorker worker, StatisticsHttpHandler handler) {
        this.endpoint = new HttpEndpoint(address, worker, handler);
    }

    public void start() {
        this.endpoint.start();
        LoadBalancerLogger.ROOT_LOGGER.statisticsEndpointStarted(this.endpoint.address());
    }

    public void stop() {
        this.endpoint.stop();
    }

    public InetSocketAddress address() {
        return this.endpoint.address();
    }
}
