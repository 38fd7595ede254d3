package org.restcomm.lb.admin;

import jakarta.json.JsonObject;
import jakarta.json.spi.JsonProvider;
import org.restcomm.lb.node.NodeRegistry;
import org.restcomm.lb.stats.HttpStatistics;
import org.restcomm.lb.stats.LoadBalancerStatistics;
import org.restcomm.lb.stats.SipStatistics;
import org.restcomm.lb.stats.SmppStatistics;

/** The original's {@code GET /lbstat} document: {@code {"Metrics":{...}}} with the same field names. */
public final class LbStatReport {

    private final LoadBalancerStatistics statistics;
    private final NodeRegistry registry;
    private final ReleaseInfo release;
    private final JsonProvider json;

    public LbStatReport(LoadBalancerStatistics statistics, NodeRegistry registry, ReleaseInfo release, JsonProvider json) {
        this.statistics = statistics;
        this.registry = registry;
        this.release = release;
        this.json = json;
    }

    public JsonObject build() {
        SipStatistics sip = this.statistics.sip();
        HttpStatistics http = this.statistics.http();
        SmppStatistics smpp = this.statistics.smpp();
        JsonObject metrics = this.json.createObjectBuilder()
                .add("releaseName", this.release.name())
                .add("releaseVersion", this.release.version())
                .add("activeNodes", this.registry.size())
                .add("JvmCpuUsage", this.statistics.jvm().cpuUsagePercent())
                .add("JvmHeapSize", this.statistics.jvm().heapUsedBytes())
                .add("NumberOfActiveHttpConnections", http.activeConnections().value())
                .add("NumberOfActiveSipConnections", sip.activeConnections().value())
                .add("NumberOfActiveSmppConnections", smpp.activeConnections().value())
                .add("NumberOfBytesTransferred", sip.bytesTransferred())
                .add("NumberOfHttpBytesToClient", http.bytesToClient())
                .add("NumberOfHttpBytesToServer", http.bytesToServer())
                .add("NumberOfHttpRequests", http.requests())
                .add("NumberOfRequestsProcessed", sip.requestsProcessed())
                .add("NumberOfResponsesProcessed", sip.responsesProcessed())
                .add("NumberOfSmppBytesToClient", smpp.bytesToClient())
                .add("NumberOfSmppBytesToServer", smpp.bytesToServer())
                .add("NumberOfSmppRequestsToClient", smpp.requestsToClient())
                .add("NumberOfSmppRequestsToServer", smpp.requestsToServer())
                .add("NumberOfActiveCalls", sip.activeCalls().value())
                // not in the original: heartbeats refused by admission or as malformed
                .add("NumberOfHeartbeatsRejected", this.statistics.heartbeats().rejectedCount())
                .build();
        return this.json.createObjectBuilder().add("Metrics", metrics).build();
    }
}
