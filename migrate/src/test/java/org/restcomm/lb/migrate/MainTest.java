package org.restcomm.lb.migrate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The converter as a user runs it: a file in, a jboss-cli script out, what was dropped on stderr, an exit status. */
class MainTest {

    @TempDir
    Path directory;

    private record Run(int status, String script, String report) {
        void hasOperation(String operation) {
            assertTrue(this.script.lines().anyMatch(operation::equals), () -> "no line\n" + operation + "\nin\n" + this.script);
        }

        void reports(String line) {
            assertTrue(this.report.lines().anyMatch(l -> l.contains(line)), () -> "no report line containing\n" + line + "\nin\n" + this.report);
        }
    }

    private Run run(Path file) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status = Main.run(new String[] { file.toString() }, new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Run(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    private Run properties(String... lines) throws IOException {
        return run(Files.write(this.directory.resolve("lb.properties"), String.join("\n", lines).getBytes(StandardCharsets.ISO_8859_1)));
    }

    private Run xmlText(String xml) throws IOException {
        return run(Files.writeString(this.directory.resolve("lb-configuration.xml"), xml));
    }

    private Run resource(String name) throws IOException {
        Path file = this.directory.resolve(name);
        try (InputStream in = MainTest.class.getResourceAsStream(name)) {
            Files.copy(in, file, StandardCopyOption.REPLACE_EXISTING);
        }
        return run(file);
    }

    @Test
    void everyKeyOfAFullyMappedFileConvertsWithStatusZero() throws IOException {
        Run run = properties("# a comment", "host=10.1.2.3", "nodeTimeout=5100", "heartbeatInterval = 200", "extraServerNodes=10.0.0.9:5070, 10.0.0.10",
                "externalPort=5080", "internalPort: 5085", "httpPort=8080", "statisticPort=2007",
                "algorithmClass=org.mobicents.tools.sip.balancer.HeaderConsistentHashBalancerAlgorithm", "sipHeaderAffinityKey=from.user",
                "httpAffinityKey=session", "isSendTrying=false", "isSend5xxResponse=true", "isSend5xxResponseSatusCode=502",
                "isSend5xxResponseReasonHeader=Node down", "blockedValues=sipvicious,friendly-scanner", "maxErrorTime=60000",
                "remoteServers=10.0.0.5:2775", "maxConnectionSize=20", "timeoutResponse=4000", "muxMode=false",
                "gov.nist.javax.sip.MAX_MESSAGE_SIZE=20000", "unavailableHost=backup.example.com:8080");
        assertEquals(Main.CONVERTED, run.status, run.report);
        run.reports("every key was converted");
        run.hasOperation("/interface=load-balancer:add(inet-address=\"${jboss.bind.address.load-balancer:10.1.2.3}\")");
        run.hasOperation("/socket-binding-group=standard-sockets/socket-binding=load-balancer-sip-external:write-attribute(name=port, value=\"${jboss.load-balancer.sip-external.port:5080}\")");
        run.hasOperation("/socket-binding-group=standard-sockets/socket-binding=load-balancer-sip-internal:write-attribute(name=port, value=\"${jboss.load-balancer.sip-internal.port:5085}\")");
        run.hasOperation("/socket-binding-group=standard-sockets/socket-binding=load-balancer-smpp:write-attribute(name=interface, value=load-balancer)");
        run.hasOperation("/subsystem=load-balancer:write-attribute(name=node-timeout, value=5100)");
        run.hasOperation("/subsystem=load-balancer:write-attribute(name=heartbeat-interval, value=200)");
        run.hasOperation("/subsystem=load-balancer:write-attribute(name=extra-server-nodes, value=[\"10.0.0.9:5070\", \"10.0.0.10\"])");
        run.hasOperation("/subsystem=load-balancer/algorithm=call-id-affinity:remove()");
        run.hasOperation("/subsystem=load-balancer/algorithm=header-consistent-hash:add(sip-affinity-key=\"from.user\", http-affinity-key=\"session\")");
        run.hasOperation("/subsystem=load-balancer/sip=default:write-attribute(name=send-trying, value=false)");
        run.hasOperation("/subsystem=load-balancer/sip=default:write-attribute(name=send-failure-status, value=502)");
        run.hasOperation("/subsystem=load-balancer/sip=default:write-attribute(name=send-failure-reason, value=\"Node down\")");
        run.hasOperation("/subsystem=load-balancer/sip=default:write-attribute(name=blocked-user-agents, value=[\"sipvicious\", \"friendly-scanner\"])");
        run.hasOperation("/subsystem=load-balancer/sip=default:write-attribute(name=bad-node-error-window, value=60)");
        run.hasOperation("/subsystem=load-balancer/sip=default:write-attribute(name=stack-properties, value={\"gov.nist.javax.sip.MAX_MESSAGE_SIZE\" => \"20000\"})");
        run.hasOperation("/socket-binding-group=standard-sockets/remote-destination-outbound-socket-binding=load-balancer-smsc-1:add(host=\"10.0.0.5\", port=2775)");
        run.hasOperation("/subsystem=load-balancer/smpp=default:write-attribute(name=remote-servers, value=[\"load-balancer-smsc-1\"])");
        run.hasOperation("/subsystem=load-balancer/smpp=default:write-attribute(name=window-size, value=20)");
        run.hasOperation("/subsystem=load-balancer/smpp=default:write-attribute(name=response-timeout, value=4000)");
        run.hasOperation("/subsystem=load-balancer/smpp=default:write-attribute(name=mode, value=regular)");
        run.hasOperation("/subsystem=load-balancer/http=default:write-attribute(name=unavailable-host, value=\"backup.example.com:8080\")");
        run.hasOperation("# nodeTimeout (line 3) -> node-timeout (ms)");
        assertTrue(run.script.startsWith("# jboss-cli script converted from lb.properties"));
        assertTrue(run.script.contains("\nbatch\n") && run.script.endsWith("run-batch\n"), run.script);
    }

    @Test
    void tlsKeysBecomeElytronResourcesReferencedByTheSecureListeners() throws IOException {
        Run run = properties("javax.net.ssl.keyStore=/opt/lb/keystore", "javax.net.ssl.keyStorePassword=secret", "javax.net.ssl.trustStore=/opt/lb/truststore",
                "javax.net.ssl.trustStorePassword=trust", "gov.nist.javax.sip.TLS_CLIENT_PROTOCOLS=TLSv1.2,TLSv1.3",
                "gov.nist.javax.sip.TLS_CLIENT_AUTH_TYPE=Want", "externalSecurePort=5061", "externalWssPort=5083", "httpsPort=8443",
                "smppSslPort=2876", "isRemoteServerSsl=true");
        assertEquals(Main.CONVERTED, run.status, run.report);
        run.hasOperation("/subsystem=elytron/key-store=load-balancer-key-store:add(path=\"/opt/lb/keystore\", credential-reference={clear-text=\"secret\"})");
        run.hasOperation("/subsystem=elytron/key-manager=load-balancer-key-manager:add(key-store=load-balancer-key-store, credential-reference={clear-text=\"secret\"})");
        run.hasOperation("/subsystem=elytron/key-store=load-balancer-trust-store:add(path=\"/opt/lb/truststore\", credential-reference={clear-text=\"trust\"})");
        run.hasOperation("/subsystem=elytron/trust-manager=load-balancer-trust-manager:add(key-store=load-balancer-trust-store)");
        run.hasOperation("/subsystem=elytron/server-ssl-context=load-balancer-server-ssl:add(key-manager=load-balancer-key-manager, "
                + "trust-manager=load-balancer-trust-manager, protocols=[\"TLSv1.2\", \"TLSv1.3\"], want-client-auth=true)");
        run.hasOperation("/subsystem=elytron/client-ssl-context=load-balancer-client-ssl:add(trust-manager=load-balancer-trust-manager, protocols=[\"TLSv1.2\", \"TLSv1.3\"])");
        run.hasOperation("/subsystem=load-balancer/sip=default/listener=external-tls:add(side=external, transport=tls, "
                + "socket-binding=load-balancer-sip-external-tls, ssl-context=load-balancer-server-ssl)");
        run.hasOperation("/subsystem=load-balancer/sip=default/listener=external-wss:add(side=external, transport=wss, "
                + "socket-binding=load-balancer-sip-external-wss, ssl-context=load-balancer-server-ssl)");
        run.hasOperation("/subsystem=load-balancer/http=default:write-attribute(name=ssl-context, value=load-balancer-server-ssl)");
        run.hasOperation("/subsystem=load-balancer/http=default:write-attribute(name=backend-ssl-context, value=load-balancer-client-ssl)");
        run.hasOperation("/subsystem=load-balancer/smpp=default:write-attribute(name=ssl-socket-binding, value=load-balancer-smpp-tls)");
        run.hasOperation("/subsystem=load-balancer/smpp=default:write-attribute(name=backend-ssl-context, value=load-balancer-client-ssl)");
        // the batch adds what it references first
        assertTrue(run.script.indexOf("server-ssl-context=load-balancer-server-ssl:add") < run.script.indexOf("listener=external-tls:add"));
    }

    @Test
    void aSecurePortWithoutKeyStoreIsReportedAndKeepsItsPort() throws IOException {
        Run run = properties("host=127.0.0.1", "externalSecurePort=5071");
        assertEquals(Main.DROPPED, run.status);
        run.reports("line 2: externalSecurePort not supported: a TLS listener needs a key store (javax.net.ssl.keyStore)");
        run.hasOperation("/socket-binding-group=standard-sockets/socket-binding=load-balancer-sip-external-tls:write-attribute(name=port, value=\"${jboss.load-balancer.sip-external-tls.port:5071}\")");
        assertTrue(!run.script.contains("listener=external-tls:add"), run.script);
    }

    @Test
    void malformedValuesNameTheKeyAndLineAndAreLeftOut() throws IOException {
        Run run = properties("# ports", "externalPort=70000", "nodeTimeout=soon", "isSendTrying=yes", "gov.nist.javax.sip.TLS_CLIENT_PROTOCOLS=TLSv9",
                "remoteServers=10.0.0.5", "responsesStatusCodeNodeRemoval=503,abc");
        assertEquals(Main.DROPPED, run.status);
        run.reports("line 2: externalPort=70000 is malformed: expected a whole number from 1 to 65535");
        run.reports("line 3: nodeTimeout=soon is malformed: expected a whole number above 0");
        run.reports("line 4: isSendTrying=yes is malformed: expected true or false");
        run.reports("line 5: gov.nist.javax.sip.TLS_CLIENT_PROTOCOLS=TLSv9 is malformed");
        run.reports("line 6: remoteServers=10.0.0.5 is malformed: expected host:port entries separated by commas");
        run.reports("line 7: responsesStatusCodeNodeRemoval=503,abc is malformed");
        run.reports("6 key(s) not converted");
        assertTrue(!run.script.contains("node-timeout") && !run.script.contains("send-trying") && !run.script.contains("remote-servers"), run.script);
    }

    @Test
    void unknownKeysAreReportedWithTheirLineAndTheNearestKnownKey() throws IOException {
        Run run = properties("heartheatInterval=150", "somethingElse=1", "point");
        assertEquals(Main.DROPPED, run.status);
        run.reports("line 1: unknown key heartheatInterval (did you mean heartbeatInterval?)");
        run.reports("line 2: unknown key somethingElse");
        run.reports("line 3: unknown key point (a line with no '=': a comment that lost its '#'?)");
    }

    @Test
    void thePersistentConsistentHashConvertsWithItsKeysAndIdleTimeAndItsCacheFileIsReported() throws IOException {
        Run run = properties("algorithmClass=org.mobicents.tools.sip.balancer.PersistentConsistentHashBalancerAlgorithm", "sipHeaderAffinityKey=to.user",
                "httpAffinityKey=appsession", "callIdAffinityMaxTimeInCache=300", "persistentConsistentHashCacheConfiguration=/home/config.xml");
        assertEquals(Main.DROPPED, run.status);
        run.hasOperation("/subsystem=load-balancer/algorithm=call-id-affinity:remove()");
        run.hasOperation("/subsystem=load-balancer/algorithm=persistent-consistent-hash:add(max-idle-time=300, sip-affinity-key=\"to.user\", "
                + "http-affinity-key=\"appsession\")");
        run.reports("line 5: persistentConsistentHashCacheConfiguration not supported: the cache is WildFly's Infinispan: set cache-container and cache "
                + "(layer load-balancer-ha)");
        run.reports("1 key(s) not converted");
    }

    @Test
    void theMigrationIssuesKeysConvert() throws IOException {
        Run run = properties("publicIp=203.0.113.7", "trafficRampupCyclePeriod=1000", "maxWeightIndex=4", "performanceTestingMode=true",
                "extraServerNodes=10.0.0.9", "maxRequestNumberWithoutResponse=2", "maxResponseTime=1000", "internalTransport=TCP",
                "matchingHostnameForRoute=lb.example.com", "isFilterSubdomain=true");
        assertEquals(Main.CONVERTED, run.status, run.report);
        run.hasOperation("/subsystem=load-balancer/sip=default:write-attribute(name=public-address, value=\"203.0.113.7\")");
        run.hasOperation("/subsystem=load-balancer:write-attribute(name=ramp-up-period, value=1000)");
        run.hasOperation("/subsystem=load-balancer:write-attribute(name=ramp-up-increase, value=25)");
        run.hasOperation("/subsystem=load-balancer:write-attribute(name=static-nodes, value=[\"10.0.0.9\"])");
        run.hasOperation("/subsystem=load-balancer/sip=default:write-attribute(name=bad-node-unanswered-requests, value=2)");
        run.hasOperation("/subsystem=load-balancer/sip=default:write-attribute(name=bad-node-response-time, value=1000)");
        run.hasOperation("/subsystem=load-balancer/sip=default:write-attribute(name=internal-transport, value=tcp)");
        run.hasOperation("/subsystem=load-balancer/sip=default:write-attribute(name=route-hostname, value=\"lb.example.com\")");
        run.hasOperation("/subsystem=load-balancer/sip=default:write-attribute(name=route-hostname-subdomains, value=true)");
    }

    @Test
    void theOriginalsOtherAlgorithmsAreBuiltIns() throws IOException {
        Run run = properties("algorithmClass=org.mobicents.tools.sip.balancer.PureConsistentHashBalancerAlgorithm", "sipHeaderAffinityKey=Call-ID",
                "toNodeAlgorithmClass=org.mobicents.tools.smpp.multiplexer.SmppToNodeSubmitToAllAlgorithm",
                "toProviderAlgorithmClass=org.mobicents.tools.smpp.multiplexer.SmppToProviderActiveStandbyAlgorithm");
        assertEquals(Main.CONVERTED, run.status, run.report);
        assertTrue(run.script.contains("/subsystem=load-balancer/algorithm=pure-consistent-hash:add("), run.script);
        run.hasOperation("/subsystem=load-balancer/smpp=default:write-attribute(name=to-node-algorithm, value=submit-to-all)");
        run.hasOperation("/subsystem=load-balancer/smpp=default:write-attribute(name=to-provider-algorithm, value=active-standby)");
    }

    @Test
    void halfARampUpOrAHalfHealthCheckIsIgnoredAsTheOriginalIgnoredIt() throws IOException {
        Run run = properties("trafficRampupCyclePeriod=1000", "maxResponseTime=1000");
        assertEquals(Main.CONVERTED, run.status, run.report);
        run.reports("note: line 1: trafficRampupCyclePeriod: ignored, as the original ramped up only with");
        run.reports("note: line 2: maxResponseTime: ignored, as the original ignored it without both");
        assertTrue(!run.script.contains("ramp-up") && !run.script.contains("bad-node-response-time"), run.script);
    }

    @Test
    void routingRulesAndUrlRewriteRulesBecomeUndertowAndPatternLists() throws IOException {
        Run run = xmlText("""
                <lb>
                <sip>
                  <routingRulesIpv4>
                    <rule><ipPattern>10\\..*</ipPattern><patch>false</patch></rule>
                    <rule><ipPattern>192\\.168\\..*</ipPattern><patch>true</patch></rule>
                  </routingRulesIpv4>
                </sip>
                <http>
                  <urlrewrite decode-using="utf-8">
                    <rule><from>someCompany</from><to>restcomm</to></rule>
                    <rule><from>^/old/(.*)$</from><to>/new/$1</to></rule>
                  </urlrewrite>
                </http>
                </lb>
                """);
        run.hasOperation("/subsystem=load-balancer/sip=default:write-attribute(name=public-address-rules, value=[\"10\\\\..*\"])");
        run.reports("note: line 3: routingRulesIpv4: the rule for 192\\.168\\..* has patch=true, which changed nothing in the original");
        run.hasOperation("/subsystem=load-balancer/http=default:write-attribute(name=rewrite-rules, value=[\"regex('^(.*?)(?:someCompany)(.*)$') -> rewrite('${1}restcomm${2}')\", "
                + "\"regex('^/old/(.*)$') -> rewrite('/new/${1}')\"])");
    }

    @Test
    void unsupportedKeysSayWhy() throws IOException {
        Run run = properties("isUseWithNexmo=true", "jmxHtmlAdapterPort=8000", "logLevel=DEBUG", "algorithmClass=com.example.MyAlgorithm");
        assertEquals(Main.DROPPED, run.status);
        run.reports("line 1: isUseWithNexmo not supported: a Nexmo-specific patch");
        run.reports("line 2: jmxHtmlAdapterPort not supported: no HTML adaptor");
        run.reports("line 3: logLevel not supported: logging is the server's");
        run.reports("line 4: algorithmClass not supported: not a built-in algorithm: package the class as a JBoss module");
    }

    @Test
    void notesDoNotChangeTheExitStatus() throws IOException {
        Run run = properties("smppName=SMPP Load Balancer", "javax.sip.STACK_NAME=SipBalancerForwarder", "nonBlockingSocketsEnabled=true");
        assertEquals(Main.CONVERTED, run.status, run.report);
        run.reports("note: line 1: smppName: a label only");
        run.reports("note: line 2: javax.sip.STACK_NAME: set by the balancer itself");
    }

    @Test
    void theGuidesSampleConvertsAndReportsWhatItsPrintedTextBroke() throws IOException {
        Run run = resource("guide-lb.properties");
        assertEquals(Main.DROPPED, run.status);
        run.hasOperation("/interface=load-balancer:add(inet-address=\"${jboss.bind.address.load-balancer:192.168.1.70}\")");
        run.hasOperation("/interface=load-balancer-smpp:add(inet-address=\"${jboss.bind.address.load-balancer-smpp:127.0.0.1}\")");
        run.hasOperation("/subsystem=load-balancer/heartbeat=rmi:add(registry-socket-binding=load-balancer-rmi-registry, object-socket-binding=load-balancer-rmi-object)");
        run.hasOperation("/subsystem=load-balancer:write-attribute(name=node-timeout, value=8400)");
        run.hasOperation("/subsystem=load-balancer/sip=default/listener=internal-tls:add(side=internal, transport=tls, "
                + "socket-binding=load-balancer-sip-internal-tls, ssl-context=load-balancer-server-ssl)");
        run.hasOperation("/subsystem=elytron/server-ssl-context=load-balancer-server-ssl:add(key-manager=load-balancer-key-manager, "
                + "trust-manager=load-balancer-trust-manager, protocols=[\"TLSv1\"], need-client-auth=false, want-client-auth=false)");
        run.reports("note: line 164: gov.nist.javax.sip.TLS_CLIENT_PROTOCOLS: written with blanks for underscores");
        run.reports("dropped: line 17: unknown key point (a line with no '=': a comment that lost its '#'?)");
        run.hasOperation("/subsystem=load-balancer/sip=default:write-attribute(name=internal-transport, value=udp)");
        run.reports("dropped: line 50: algorithmClass not supported: not a built-in algorithm");
        run.reports("dropped: line 123: unknown key heartheatInterval (did you mean heartbeatInterval?)");
    }

    @Test
    void theOriginalsTestConfigurationsConvert() throws IOException {
        Run xml = resource("original-lb-configuration.xml");
        assertEquals(Main.DROPPED, xml.status);
        xml.hasOperation("/subsystem=load-balancer/sip=default:write-attribute(name=stack-properties, value={\"gov.nist.javax.sip.REENTRANT_LISTENER\" => \"false\", "
                + "\"gov.nist.javax.sip.CANCEL_CLIENT_TRANSACTION_CHECKED\" => \"false\"})");
        xml.hasOperation("/subsystem=load-balancer/http=default:write-attribute(name=max-request-size, value=1048576)");
        xml.hasOperation("/subsystem=load-balancer/http=default:write-attribute(name=rewrite-rules, value=[\"regex('^(.*?)(?:someCompany)(.*)$') -> rewrite('${1}restcomm${2}')\"])");
        xml.reports("note: line 29: callIdAffinityMaxTimeInCache: 0 becomes 1 s");

        Run test = resource("original-lb-configuration-test.xml");
        assertEquals(Main.DROPPED, test.status);
        test.hasOperation("/subsystem=load-balancer/algorithm=user-based:add(max-idle-time=14400, sip-affinity-key=\"From\", "
                + "sip-affinity-exclusion-pattern=\".*sip.nexmo.com\", sip-affinity-fallback-key=\"Call-ID\")");
        test.reports("dropped: line 26: unknown key responseStatusCodeNodeRemoval (did you mean responsesStatusCodeNodeRemoval?)");
        test.reports("dropped: line 169: heartbeat not supported");

        Run smpp = resource("original-lb-configuration-smpp.xml");
        smpp.hasOperation("/socket-binding-group=standard-sockets/remote-destination-outbound-socket-binding=load-balancer-smsc-1:add(host=\"127.0.0.1\", port=10021)");

        Run properties = resource("original-lb-configuration.properties");
        assertEquals(Main.DROPPED, properties.status);
        properties.reports("dropped: line 40: httpsPort not supported: an HTTPS listener needs a key store");
        properties.hasOperation("/socket-binding-group=standard-sockets/remote-destination-outbound-socket-binding=load-balancer-smsc-2:add(host=\"174.37.245.40\", port=8000)");
    }

    @Test
    void perTransportPortsOfTheLaterFormatGetListenersOfTheirOwn() throws IOException {
        Run run = properties("externalUdpPort=5060", "externalTcpPort=5070", "externalWsPort=5062", "externalIpLoadBalancerAddress=198.51.100.1",
                "externalIpLoadBalancerWsPort=80");
        assertEquals(Main.CONVERTED, run.status, run.report);
        run.hasOperation("/socket-binding-group=standard-sockets/socket-binding=load-balancer-sip-external-tcp:add(port=\"${jboss.load-balancer.sip-external-tcp.port:5070}\")");
        run.hasOperation("/subsystem=load-balancer/sip=default/listener=external-tcp:write-attribute(name=socket-binding, value=load-balancer-sip-external-tcp)");
        run.hasOperation("/subsystem=load-balancer/sip=default/listener=external-ws:add(side=external, transport=ws, socket-binding=load-balancer-sip-external-ws, "
                + "ip-load-balancer-address=\"198.51.100.1\", ip-load-balancer-port=80)");
        run.hasOperation("/subsystem=load-balancer/sip=default/listener=external-udp:write-attribute(name=ip-load-balancer-address, value=\"198.51.100.1\")");
    }

    @Test
    void propertiesAreReadAsJavaReadsThem() throws IOException {
        Run run = properties("blockedValues=sipvicious,\\", "    friendly-scanner", "! another comment", "unavailableHost\tbackup\\u002eexample.com");
        assertEquals(Main.CONVERTED, run.status, run.report);
        run.hasOperation("/subsystem=load-balancer/sip=default:write-attribute(name=blocked-user-agents, value=[\"sipvicious\", \"friendly-scanner\"])");
        run.hasOperation("/subsystem=load-balancer/http=default:write-attribute(name=unavailable-host, value=\"backup.example.com\")");
    }

    @Test
    void anUnreadableFileExitsWithTwo() throws IOException {
        Run missing = run(this.directory.resolve("absent.properties"));
        assertEquals(Main.UNREADABLE, missing.status);
        missing.reports("lb-migrate: cannot read");
        Run broken = run(Files.writeString(this.directory.resolve("lb-configuration.xml"), "<load-balancer-properties>\n<common>\n<host>x</common>"));
        assertEquals(Main.UNREADABLE, broken.status);
        broken.reports("line 3: not well-formed XML");
        assertEquals("", broken.script);
    }
}
