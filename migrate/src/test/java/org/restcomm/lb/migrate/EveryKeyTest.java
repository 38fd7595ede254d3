package org.restcomm.lb.migrate;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** No key of the original is passed over in silence: each, alone in a file, is either in the script's comments or on the report. */
class EveryKeyTest {

    /** Every key the original's configuration loaders and the guide know, with a value it accepts. */
    private static final Map<String, String> KEYS = Map.ofEntries(
            Map.entry("host", "10.0.0.1"), Map.entry("ipv6Host", "::1"), Map.entry("externalHost", "10.0.0.2"), Map.entry("internalHost", "10.0.0.3"),
            Map.entry("nodeTimeout", "5100"), Map.entry("heartbeatInterval", "150"), Map.entry("statisticPort", "2006"), Map.entry("apiPort", "2006"),
            Map.entry("heartbeatPort", "2610"), Map.entry("heartbeatPorts", "2610"), Map.entry("rmiRegistryPort", "2000"), Map.entry("rmiRemoteObjectPort", "2001"),
            Map.entry("shutdownTimeout", "10000"), Map.entry("securityRequired", "true"), Map.entry("login", "daddy"), Map.entry("password", "123456"),
            Map.entry("cacheConfiguration", "cache.xml"), Map.entry("cacheConfigFile", "cache.xml"), Map.entry("jmxHtmlAdapterPort", "8000"),
            Map.entry("logConfigFile", "log4j.xml"), Map.entry("logLevel", "DEBUG"), Map.entry("heartbeat", "configclass=x"),
            Map.entry("trafficRampupCyclePeriod", "1000"), Map.entry("maxWeightIndex", "5"), Map.entry("trafficPercentageIncrease", "10"),
            Map.entry("extraServerNodes", "10.0.0.9:5060"), Map.entry("performanceTestingMode", "true"),
            Map.entry("isSendTrying", "true"), Map.entry("publicIp", "203.0.113.1"), Map.entry("publicIpv6", "2001:db8::1"),
            Map.entry("useIpLoadBalancerAddressInViaHeaders", "true"), Map.entry("blockedValues", "sipvicious"), Map.entry("usePrettyEncoding", "true"),
            Map.entry("isSend5xxResponse", "true"), Map.entry("isSend5xxResponseReasonHeader", "down"), Map.entry("isSend5xxResponseSatusCode", "503"),
            Map.entry("responsesStatusCodeNodeRemoval", "503"), Map.entry("maxNumberResponsesWithError", "5"), Map.entry("maxErrorTime", "300000"),
            Map.entry("isUseWithNexmo", "true"), Map.entry("matchingHostnameForRoute", "lb.example.com"), Map.entry("isFilterSubdomain", "true"),
            Map.entry("internalTransport", "TCP"), Map.entry("externalTransport", "UDP"), Map.entry("maxRequestNumberWithoutResponse", "10"),
            Map.entry("maxResponseTime", "2000"), Map.entry("routingRulesIpv4", "rule=x"), Map.entry("routingRulesIpv6", "rule=x"),
            Map.entry("terminateTLSTraffic", "true"), Map.entry("isTransportWs", "true"),
            Map.entry("algorithmClass", "org.mobicents.tools.sip.balancer.CallIDAffinityBalancerAlgorithm"), Map.entry("callIdAffinityMaxTimeInCache", "500"),
            Map.entry("callIdAffinityGroupFailover", "true"), Map.entry("sipHeaderAffinityKey", "Call-ID"), Map.entry("httpAffinityKey", "appsession"),
            Map.entry("sipHeaderAffinityExclusionPattern", ".*"), Map.entry("sipHeaderAffinityFallbackKey", "From"), Map.entry("subclusterMap", "( 10.0.0.1 )"),
            Map.entry("earlyDialogWorstCase", "true"), Map.entry("persistentConsistentHashCacheConfiguration", "cache.xml"),
            Map.entry("httpPort", "2080"), Map.entry("httpsPort", "2081"), Map.entry("unavailableHost", "sorry.example.com"),
            Map.entry("requestCheckPattern", "bad"), Map.entry("maxContentLength", "1048576"), Map.entry("urlrewrite", "rule"), Map.entry("isRemoteServerSsl", "true"),
            Map.entry("smppName", "SMPP"), Map.entry("smppHost", "10.0.0.4"), Map.entry("smppInternalHost", "10.0.0.5"), Map.entry("smppExternalHost", "10.0.0.6"),
            Map.entry("smppPort", "2776"), Map.entry("smppSslPort", "2876"), Map.entry("remoteServers", "10.0.0.7:2775"), Map.entry("maxConnectionSize", "10"),
            Map.entry("nonBlockingSocketsEnabled", "true"), Map.entry("defaultSessionCountersEnabled", "true"), Map.entry("timeoutResponse", "3000"),
            Map.entry("timeoutConnection", "1000"), Map.entry("timeoutEnquire", "10000"), Map.entry("reconnectPeriod", "500"),
            Map.entry("timeoutConnectionCheckClientSide", "3000"), Map.entry("timeoutConnectionCheckServerSide", "3000"), Map.entry("muxMode", "true"),
            Map.entry("toNodeAlgorithmClass", "x"), Map.entry("toProviderAlgorithmClass", "x"),
            Map.entry("javax.net.ssl.keyStore", "/ks"), Map.entry("javax.net.ssl.keyStorePassword", "p"), Map.entry("javax.net.ssl.trustStore", "/ts"),
            Map.entry("javax.net.ssl.trustStorePassword", "p"), Map.entry("gov.nist.javax.sip.TLS_CLIENT_PROTOCOLS", "TLSv1.2"),
            Map.entry("gov.nist.javax.sip.TLS_CLIENT_AUTH_TYPE", "Enabled"), Map.entry("gov.nist.javax.sip.ENABLED_CIPHER_SUITES", "TLS_AES_128_GCM_SHA256"),
            Map.entry("javax.net.debug", "ssl"), Map.entry("javax.sip.STACK_NAME", "x"), Map.entry("gov.nist.javax.sip.THREAD_POOL_SIZE", "64"),
            Map.entry("gov.nist.javax.sip.DEBUG_LOG", "debug.txt"));

    static Stream<String> keys() {
        List<String> keys = new ArrayList<>(KEYS.keySet());
        for (String leg : List.of("external", "internal")) {
            keys.addAll(List.of(leg + "Port", leg + "SecurePort", leg + "IpLoadBalancerAddress", leg + "IpLoadBalancerPort", leg + "SecureIpLoadBalancerPort",
                    leg + "Ipv6LoadBalancerAddress"));
            for (String transport : List.of("Udp", "Tcp", "Tls", "Ws", "Wss")) {
                keys.addAll(List.of(leg + transport + "Port", leg + "Ipv6" + transport + "Port", leg + "IpLoadBalancer" + transport + "Port",
                        leg + "Ipv6LoadBalancer" + transport + "Port"));
            }
        }
        return keys.stream().sorted();
    }

    @ParameterizedTest
    @MethodSource("keys")
    void isMappedOrReported(String key) {
        String value = KEYS.getOrDefault(key, key.endsWith("Address") ? "198.51.100.1" : "5090");
        Report report = new Report();
        Script script = Converter.convert(List.of(new Setting(key, value, 1)), report, false, null);
        boolean mapped = script.render("lb.properties").lines().anyMatch(line -> line.startsWith("# ") && line.contains(key + " (line 1)"));
        boolean reported = Stream.concat(report.dropped().stream(), report.notes().stream()).anyMatch(line -> line.startsWith("line 1: " + key));
        assertTrue(mapped || reported, () -> key + "=" + value + " is neither in the script nor on the report");
        assertTrue(report.dropped().stream().noneMatch(line -> line.contains("unknown key")), () -> key + " is a key of the original: " + report.dropped());
    }
}
