package org.restcomm.lb.migrate;

import static org.restcomm.lb.migrate.Script.list;
import static org.restcomm.lb.migrate.Script.quote;
import static org.restcomm.lb.migrate.Script.writeAttribute;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.restcomm.lb.migrate.Script.Section;

/**
 * Maps each key of the original's configuration to its home in the management model (configuration-map.md read
 * backwards), writing the operations into a {@link Script} and every key it cannot carry over into a {@link Report}.
 */
final class Converter {

    static final String LB = "/subsystem=load-balancer";
    static final String SIP = LB + "/sip=default";
    static final String HTTP = LB + "/http=default";
    static final String SMPP = LB + "/smpp=default";
    static final String SOCKETS = "/socket-binding-group=standard-sockets";
    static final String ELYTRON = "/subsystem=elytron";
    static final String SERVER_SSL = "load-balancer-server-ssl";
    static final String CLIENT_SSL = "load-balancer-client-ssl";

    /** The socket-bindings the load-balancer layer defines, with the port property each reads. */
    private static final List<String> LAYER_BINDINGS = List.of("heartbeat", "statistics", "sip-external", "sip-internal", "http", "https",
            "smpp", "sip-external-tls", "sip-internal-tls", "sip-external-wss", "smpp-tls", "rmi-registry", "rmi-object");
    private static final Map<String, Integer> LAYER_SIP_PORTS = Map.of("external", 5060, "internal", 5065);
    private static final List<String> LAYER_LISTENERS = List.of("external-udp", "external-tcp", "internal-udp", "internal-tcp");
    private static final List<String> TRANSPORTS = List.of("udp", "tcp", "tls", "ws", "wss");

    /** jain-sip properties the balancer sets itself (SipBalancer.createStack); a value from the original file would be ignored. */
    private static final Set<String> BALANCER_STACK_PROPERTIES = Set.of("javax.sip.STACK_NAME", "javax.sip.AUTOMATIC_DIALOG_SUPPORT",
            "gov.nist.javax.sip.STACK_LOGGER", "gov.nist.javax.sip.SERVER_LOGGER", "gov.nist.javax.sip.TRACE_LEVEL",
            "gov.nist.javax.sip.SECURITY_MANAGER_PROVIDER", "gov.nist.javax.sip.MESSAGE_PROCESSOR_FACTORY");
    /** jain-sip's own log files: the stack logs through the server's logging instead. */
    private static final Set<String> STACK_LOG_PROPERTIES = Set.of("gov.nist.javax.sip.DEBUG_LOG", "gov.nist.javax.sip.SERVER_LOG",
            "gov.nist.javax.sip.LOG_MESSAGE_CONTENT");

    private static final Set<String> TLS_PROTOCOLS = Set.of("SSLv2", "SSLv3", "TLSv1", "TLSv1.1", "TLSv1.2", "TLSv1.3");
    private static final Pattern HOST_AND_PORT = Pattern.compile("(\\[[0-9A-Fa-f:.]+]|[A-Za-z0-9._-]+)(?::(\\d{1,5}))?");
    private static final Pattern ADDRESS = Pattern.compile("[A-Za-z0-9._:%\\[\\]-]+");

    private final Map<String, Setting> settings = new LinkedHashMap<>();
    private final Map<String, Setting> taken = new LinkedHashMap<>();
    /** Settings a later line of the same key replaced, as java.util.Properties does. */
    private final List<Setting> overridden = new ArrayList<>();
    private final Set<String> known = new HashSet<>();
    private final Report report;
    private final Script script = new Script();
    private final boolean xml;
    private final Map<String, Binding> bindings = new LinkedHashMap<>();
    private final Map<String, Listener> listeners = new LinkedHashMap<>();
    private final Map<String, Setting> interfaces = new LinkedHashMap<>();
    private Setting keyStore;

    private Converter(List<Setting> settings, Report report, boolean xml) {
        this.report = report;
        this.xml = xml;
        for (Setting setting : settings) {
            Setting earlier = this.settings.remove(setting.key());
            if (earlier != null) {
                this.overridden.add(earlier);
            }
            this.settings.put(setting.key(), setting);
        }
        LAYER_BINDINGS.forEach(name -> this.bindings.put("load-balancer-" + name, new Binding("load-balancer-" + name, true)));
        LAYER_LISTENERS.forEach(name -> this.listeners.put(name, new Listener(name, true)));
    }

    /** Converts the settings; {@code lines} (null for XML) give hints on lines that are not settings at all. */
    static Script convert(List<Setting> settings, Report report, boolean xml, List<String> lines) {
        Converter converter = new Converter(settings, report, xml);
        converter.tls();
        converter.common();
        converter.algorithm();
        converter.sip();
        converter.sipListeners();
        converter.http();
        converter.smpp();
        converter.stackProperties();
        converter.unknown(lines);
        converter.emitSocketsAndListeners();
        return converter.script;
    }

    // ---- balancer-wide keys and the node registry

    private void common() {
        take("host").flatMap(this::address).ifPresent(host -> this.interfaces.put("load-balancer", host));
        take("externalHost").flatMap(this::address).ifPresent(host -> this.interfaces.put("load-balancer-external", host));
        take("internalHost").flatMap(this::address).ifPresent(host -> this.interfaces.put("load-balancer-internal", host));
        take("smppHost").flatMap(this::address).ifPresent(host -> this.interfaces.put("load-balancer-smpp", host));
        take("ipv6Host").flatMap(this::address).ifPresent(host -> this.interfaces.put("load-balancer-ipv6", host));
        for (String key : List.of("smppInternalHost", "smppExternalHost")) {
            take(key).ifPresent(s -> this.report.dropped(s, "the SMPP engine listens on one address, smppHost's"));
        }
        take("nodeTimeout").flatMap(s -> positive(s)).ifPresent(v -> root("node-timeout", v.value, v.setting, "ms"));
        take("heartbeatInterval").flatMap(s -> positive(s)).ifPresent(v -> root("heartbeat-interval", v.value, v.setting, "ms"));
        Optional<Setting> extraNodes = take("extraServerNodes");
        List<String> nodes = extraNodes.flatMap(s -> hostsAndPorts(s, false)).orElse(List.of());
        extraNodes.filter(s -> !nodes.isEmpty()).ifPresent(s -> this.script.add(Section.ROOT, s + ": other addresses of the server nodes",
                writeAttribute(LB, "extra-server-nodes", list(nodes))));
        take("performanceTestingMode").flatMap(this::bool).filter(Boolean::booleanValue).ifPresent(on -> pending(setting("performanceTestingMode"),
                "static-nodes", "extraServerNodes as nodes that never expire and get calls", writeAttribute(LB, "static-nodes", list(nodes))));
        take("statisticPort").flatMap(this::port).ifPresent(port -> port("load-balancer-statistics", port));
        take("apiPort").flatMap(this::port).ifPresent(port -> {
            port("load-balancer-statistics", port);
            this.report.note(port.setting, "the original's API port also served /lbstop and /lbloglevel: they are off until an Elytron security-domain "
                    + "holds their login; then " + writeAttribute(LB, "admin-security-domain", "<domain>") + " and " + writeAttribute(LB, "admin-endpoints", "true"));
        });
        Optional<Port> heartbeat = take("heartbeatPort").or(() -> take("heartbeatPorts")).flatMap(this::port);
        heartbeat.ifPresent(port -> port("load-balancer-heartbeat", port));
        Optional<Port> registry = take("rmiRegistryPort").flatMap(this::port);
        Optional<Port> object = take("rmiRemoteObjectPort").flatMap(this::port);
        if (this.xml) {
            // the 10.x original read neither (its heartbeat is HTTP unless a <heartbeat> element says otherwise)
            registry.ifPresent(p -> this.report.note(p.setting, "ignored, as the 10.x original ignored it in lb-configuration.xml"));
            object.ifPresent(p -> this.report.note(p.setting, "ignored, as the 10.x original ignored it in lb-configuration.xml"));
        } else if (registry.isPresent() || object.isPresent()) {
            registry.ifPresent(port -> port("load-balancer-rmi-registry", port));
            object.ifPresent(port -> port("load-balancer-rmi-object", port));
            Setting from = registry.map(p -> p.setting).orElseGet(() -> object.get().setting);
            this.script.add(Section.HEARTBEAT, from + ": the RMI heartbeat of the guide's nodes",
                    LB + "/heartbeat=rmi:add(registry-socket-binding=load-balancer-rmi-registry, object-socket-binding=load-balancer-rmi-object)");
        }
        take("heartbeat").ifPresent(s -> this.report.dropped(s, "other heartbeat protocols (" + s.value().lines().findFirst().orElse("")
                + "): nodes heartbeat over HTTP (heartbeat=http) or RMI (heartbeat=rmi)"));
        take("shutdownTimeout").flatMap(s -> positive(s))
                .ifPresent(v -> pending(v.setting, "stop-timeout", "/lbstop's wait", writeAttribute(LB, "stop-timeout", v.value.toString())));
        for (String key : List.of("securityRequired", "login", "password")) {
            take(key).ifPresent(s -> this.report.dropped(s, "the admin endpoints' credentials live in an Elytron security-domain: add the login to one "
                    + "(a filesystem-realm identity, say) and name it in " + writeAttribute(LB, "admin-security-domain", "<domain>")));
        }
        // the original ramped up only with the period and a step: maxWeightIndex n, or trafficPercentageIncrease p (n = 100 / p)
        Optional<Valued> period = take("trafficRampupCyclePeriod").flatMap(s -> positive(s));
        Optional<Valued> steps = take("maxWeightIndex").flatMap(s -> positive(s));
        Optional<Valued> increase = take("trafficPercentageIncrease").flatMap(s -> positive(s));
        Optional<Valued> step = increase.map(v -> new Valued(Math.min(100, v.value), v.setting))
                .or(() -> steps.map(v -> new Valued(Math.max(1, 100 / v.value), v.setting)));
        if (period.isPresent() && step.isPresent()) {
            root("ramp-up-period", period.get().value, period.get().setting, "ms");
            this.script.add(Section.ROOT, step.get().setting + " -> ramp-up-increase (%)", writeAttribute(LB, "ramp-up-increase", step.get().value.toString()));
        } else {
            period.or(() -> step).ifPresent(v -> this.report.note(v.setting,
                    "ignored, as the original ramped up only with trafficRampupCyclePeriod and maxWeightIndex or trafficPercentageIncrease"));
        }
        for (String key : List.of("cacheConfiguration", "cacheConfigFile")) {
            take(key).ifPresent(s -> this.report.dropped(s, "a cache configuration file: the persistent hash keeps its state in an Infinispan cache of the server"));
        }
        take("persistentConsistentHashCacheConfiguration").ifPresent(s -> this.report.dropped(s,
                "the cache is WildFly's Infinispan: set cache-container and cache (layer load-balancer-ha)"));
        take("jmxHtmlAdapterPort").ifPresent(s -> this.report.dropped(s,
                "no HTML adaptor: the MBean mobicents:type=LoadBalancer,name=LoadBalancer is reached with JConsole over the management port"));
        for (String key : List.of("logConfigFile", "logLevel")) {
            take(key).ifPresent(s -> this.report.dropped(s, "logging is the server's: /subsystem=logging/logger=org.restcomm.lb:add(level=DEBUG)"));
        }
    }

    private void root(String attribute, Object value, Setting from, String unit) {
        this.script.add(Section.ROOT, from + " -> " + attribute + " (" + unit + ")", writeAttribute(LB, attribute, String.valueOf(value)));
    }

    // ---- the algorithm

    private void algorithm() {
        String resource = "call-id-affinity";
        Optional<Setting> algorithmClass = take("algorithmClass");
        if (algorithmClass.isPresent()) {
            Setting s = algorithmClass.get();
            String simpleName = s.value().substring(s.value().lastIndexOf('.') + 1);
            String chosen = switch (simpleName) {
                case "CallIDAffinityBalancerAlgorithm" -> "call-id-affinity";
                case "HeaderConsistentHashBalancerAlgorithm" -> "header-consistent-hash";
                case "ClusterSubdomainAffinityAlgorithm" -> "cluster-subdomain-affinity";
                case "UserBasedAlgorithm" -> "user-based";
                case "PersistentConsistentHashBalancerAlgorithm" -> "persistent-consistent-hash";
                case "PureConsistentHashBalancerAlgorithm" -> "pure-consistent-hash";
                case "ActiveStandbyAlgorithm" -> "active-standby";
                default -> null;
            };
            if (chosen == null) {
                this.report.dropped(s, "not a built-in algorithm: package the class as a JBoss module and add "
                        + LB + "/algorithm=custom:add(class=" + s.value() + ", module=<its module>); call-id-affinity stays");
            } else if (chosen.equals("call-id-affinity")) {
                this.report.note(s, "call-id-affinity, the layer's default algorithm, is already in place");
            } else if (!PendingTargets.available("algorithm=" + chosen)) {
                pending(s, "algorithm=" + chosen, "the " + simpleName, LB + "/algorithm=" + chosen + ":add()");
            } else {
                resource = chosen;
            }
        }
        Map<String, String> attributes = new LinkedHashMap<>();
        List<String> from = new ArrayList<>();
        algorithmClass.filter(s -> s.value().contains(".")).ifPresent(s -> from.add(s.toString()));
        boolean callIdFamily = resource.equals("call-id-affinity") || resource.equals("cluster-subdomain-affinity");
        boolean persistent = resource.equals("persistent-consistent-hash");
        boolean hash = resource.equals("header-consistent-hash") || resource.equals("pure-consistent-hash") || persistent;
        boolean user = resource.equals("user-based");
        String algorithm = resource;
        algorithmAttribute(take("callIdAffinityMaxTimeInCache").or(() -> take("userAffinityMaxTimeInCache")), callIdFamily || user || persistent, algorithm,
                attributes, from,
                s -> maxIdleTime(s).map(v -> Map.entry("max-idle-time", v.toString())));
        algorithmAttribute(take("callIdAffinityGroupFailover").or(() -> take("userAffinityGroupFailover")), callIdFamily, algorithm, attributes, from,
                s -> bool(s).map(v -> Map.entry("group-failover", v.toString())));
        algorithmAttribute(take("subclusterMap"), resource.equals("cluster-subdomain-affinity"), algorithm, attributes, from,
                s -> subclusters(s).map(v -> Map.entry("subclusters", list(v))));
        algorithmAttribute(take("sipHeaderAffinityKey"), hash || user, algorithm, attributes, from,
                s -> (user && !s.value().equals("To") && !s.value().equals("From")) ? malformed(s, "To or From for the UserBasedAlgorithm")
                        : Optional.of(Map.entry("sip-affinity-key", quote(s.value()))));
        algorithmAttribute(take("httpAffinityKey"), hash, algorithm, attributes, from, s -> Optional.of(Map.entry("http-affinity-key", quote(s.value()))));
        algorithmAttribute(take("sipHeaderAffinityExclusionPattern").or(() -> take("sipHeaderAffinityKeyExclusionPattern")), user, algorithm, attributes, from,
                s -> Optional.of(Map.entry("sip-affinity-exclusion-pattern", quote(s.value()))));
        algorithmAttribute(take("sipHeaderAffinityFallbackKey"), user, algorithm, attributes, from,
                s -> Set.of("To", "From", "Call-ID").contains(s.value()) ? Optional.of(Map.entry("sip-affinity-fallback-key", quote(s.value())))
                        : malformed(s, "To, From or Call-ID"));
        take("earlyDialogWorstCase").ifPresent(s -> this.report.dropped(s,
                "the balancer keys affinity on the Call-ID of each request; there is no early-dialog worst-case mode"));
        String address = LB + "/algorithm=" + resource;
        String comment = String.join(", ", from) + " -> algorithm=" + resource;
        if (resource.equals("call-id-affinity")) {
            attributes.forEach((name, value) -> this.script.add(Section.ALGORITHM, comment, writeAttribute(address, name, value)));
        } else {
            this.script.add(Section.ALGORITHM, "the layer's default algorithm makes way (one algorithm at a time)", LB + "/algorithm=call-id-affinity:remove()");
            StringBuilder add = new StringBuilder(address).append(":add(");
            attributes.forEach((name, value) -> add.append(name).append('=').append(value).append(", "));
            this.script.add(Section.ALGORITHM, comment, (attributes.isEmpty() ? add : add.delete(add.length() - 2, add.length())).append(')').toString());
        }
    }

    private void algorithmAttribute(Optional<Setting> setting, boolean applies, String algorithm, Map<String, String> attributes, List<String> from,
            Function<Setting, Optional<Map.Entry<String, String>>> mapping) {
        setting.ifPresent(s -> {
            if (!applies) {
                this.report.note(s, "not used by " + algorithm + " (nor by the original's equivalent); nothing to carry over");
                return;
            }
            mapping.apply(s).ifPresent(entry -> {
                attributes.put(entry.getKey(), entry.getValue());
                from.add(s.toString());
            });
        });
    }

    private Optional<Long> maxIdleTime(Setting s) {
        if (s.value().equals("0")) {
            // the original evicted such calls at its next sweep; the model's shortest is one second
            this.report.note(s, "0 becomes 1 s, the shortest max-idle-time: the original dropped such calls' affinity at its next sweep");
            return Optional.of(1L);
        }
        return positive(s).map(Valued::value);
    }

    private Optional<List<String>> subclusters(Setting s) {
        List<String> groups = new ArrayList<>();
        Matcher group = Pattern.compile("\\(([^()]*)\\)").matcher(s.value());
        while (group.find()) {
            groups.add(String.join(",", group.group(1).strip().split("\\s*,\\s*")));
        }
        return groups.isEmpty() ? malformed(s, "groups of addresses in parentheses, such as ( 10.0.0.1, 10.0.0.2 ) ( 10.0.0.3 )") : Optional.of(groups);
    }

    // ---- SIP engine

    private void sip() {
        take("isSendTrying").flatMap(this::bool).ifPresent(v -> sipAttribute("send-trying", v.toString(), setting("isSendTrying")));
        take("useIpLoadBalancerAddressInViaHeaders").flatMap(this::bool)
                .ifPresent(v -> sipAttribute("ip-load-balancer-address-in-via", v.toString(), setting("useIpLoadBalancerAddressInViaHeaders")));
        take("terminateTLSTraffic").flatMap(this::bool).ifPresent(v -> sipAttribute("terminate-tls", v.toString(), setting("terminateTLSTraffic")));
        Optional<Boolean> sendFailure = take("isSend5xxResponse").flatMap(this::bool);
        Optional<Setting> status = take("isSend5xxResponseSatusCode");
        Optional<Setting> reason = take("isSend5xxResponseReasonHeader");
        if (sendFailure.orElse(false)) {
            String statusValue = status.flatMap(s -> number(s, 500, 599)).map(String::valueOf).orElse("503");
            sipAttribute("send-failure-status", statusValue, setting("isSend5xxResponse"));
            reason.ifPresent(s -> sipAttribute("send-failure-reason", quote(s.value()), s));
        } else {
            status.ifPresent(s -> this.report.note(s, "unused, as in the original, while isSend5xxResponse is not true"));
            reason.ifPresent(s -> this.report.note(s, "unused, as in the original, while isSend5xxResponse is not true"));
        }
        take("blockedValues").ifPresent(s -> sipAttribute("blocked-user-agents", list(split(s.value())), s));
        take("responsesStatusCodeNodeRemoval").ifPresent(s -> {
            List<String> codes = split(s.value());
            if (codes.stream().allMatch(code -> code.matches("[3-6]\\d\\d"))) {
                sipAttribute("bad-node-status-codes", list(codes), s);
            } else {
                malformed(s, "SIP status codes (300-699) separated by commas");
            }
        });
        take("maxNumberResponsesWithError").flatMap(s -> number(s, 0, Integer.MAX_VALUE))
                .ifPresent(v -> sipAttribute("bad-node-max-errors", v.toString(), setting("maxNumberResponsesWithError")));
        take("maxErrorTime").flatMap(s -> positive(s)).ifPresent(v -> {
            long seconds = Math.max(1, (v.value + 999) / 1000);
            if (seconds * 1000 != v.value) {
                this.report.note(v.setting, v.value + " ms rounded up to " + seconds + " s, the unit of bad-node-error-window");
            }
            sipAttribute("bad-node-error-window", Long.toString(seconds), v.setting);
        });
        take("publicIp").flatMap(this::address).ifPresent(s -> sipAttribute("public-address", quote(s.value()), s));
        take("publicIpv6").flatMap(this::address).ifPresent(s -> sipAttribute("public-address-v6", quote(s.value()), s));
        List<String> privateClients = new ArrayList<>();
        Setting rulesFrom = null;
        for (String key : List.of("routingRulesIpv4", "routingRulesIpv6")) {
            Optional<Setting> rules = take(key);
            if (rules.isPresent()) {
                rulesFrom = (rulesFrom != null) ? rulesFrom : rules.get();
                this.privateClients(rules.get(), privateClients);
            }
        }
        if (!privateClients.isEmpty()) {
            sipAttribute("public-address-rules", list(privateClients), rulesFrom);
        }
        // the original judged unanswered requests only with both keys set
        Optional<Valued> unanswered = take("maxRequestNumberWithoutResponse").flatMap(s -> positive(s));
        Optional<Valued> responseTime = take("maxResponseTime").flatMap(s -> positive(s));
        if (unanswered.isPresent() && responseTime.isPresent()) {
            sipAttribute("bad-node-unanswered-requests", unanswered.get().value.toString(), unanswered.get().setting);
            sipAttribute("bad-node-response-time", responseTime.get().value.toString(), responseTime.get().setting);
        } else {
            unanswered.or(() -> responseTime).ifPresent(v -> this.report.note(v.setting,
                    "ignored, as the original ignored it without both maxRequestNumberWithoutResponse and maxResponseTime"));
        }
        take("matchingHostnameForRoute").flatMap(this::address).ifPresent(s -> sipAttribute("route-hostname", quote(s.value()), s));
        take("isFilterSubdomain").flatMap(this::bool).ifPresent(on -> sipAttribute("route-hostname-subdomains", on.toString(), setting("isFilterSubdomain")));
        take("internalTransport").ifPresent(s -> {
            String transport = s.value().toLowerCase(java.util.Locale.ROOT);
            if (List.of("udp", "tcp", "tls", "ws", "wss").contains(transport)) {
                sipAttribute("internal-transport", transport, s);
            } else {
                malformed(s, "UDP, TCP, TLS, WS or WSS");
            }
        });
        take("isUseWithNexmo").ifPresent(s -> this.report.dropped(s, "a Nexmo-specific patch of the original; the balancer has no vendor modes"));
        take("usePrettyEncoding").ifPresent(s -> this.report.dropped(s, "the balancer forwards headers as received; jain-sip's pretty encoding is not offered"));
        take("externalTransport").ifPresent(s -> {
            if (s.value().equalsIgnoreCase("UDP") || s.value().equalsIgnoreCase("TCP")) {
                this.report.note(s, "the external listeners stay on UDP and TCP (listener=external-udp, external-tcp), as the original listened on both");
            } else if (s.value().equalsIgnoreCase("TLS")) {
                this.report.note(s, "TLS clients use listener=external-tls (externalSecurePort); UDP and TCP stay open too");
            } else {
                malformed(s, "UDP, TCP or TLS");
            }
        });
    }

    private void pendingSip(String key, String attribute, String what) {
        take(key).ifPresent(s -> pending(s, "sip=default/" + attribute, what, writeAttribute(SIP, attribute, quote(s.value()))));
    }

    /**
     * routingRulesIpv4/Ipv6 ({@code <rule><ipPattern>..</ipPattern><patch>..</patch></rule>}): the patterns of the
     * patch=false rules are the clients that see the balancer's own address; a patch=true rule changed nothing.
     */
    private void privateClients(Setting rules, List<String> patterns) {
        List<Map<String, String>> originals = rules(rules.value());
        if (originals.isEmpty()) {
            malformed(rules, "<rule> elements with an <ipPattern>");
        }
        for (Map<String, String> rule : originals) {
            String pattern = rule.get("ipPattern");
            if (pattern == null) {
                malformed(rules, "<rule> elements with an <ipPattern>");
                continue;
            }
            try {
                java.util.regex.Pattern.compile(pattern);
            } catch (java.util.regex.PatternSyntaxException e) {
                malformed(rules, "regular expressions in <ipPattern> (" + e.getDescription() + ")");
                continue;
            }
            if (Boolean.parseBoolean(rule.getOrDefault("patch", "false"))) {
                this.report.note(rules, "the rule for " + pattern + " has patch=true, which changed nothing in the original");
            } else {
                patterns.add(pattern);
            }
        }
    }

    /** The {@code <rule>} children of a whole element as the XML reader gives them: {@code rule=} opens each, then key=value lines. */
    private static List<Map<String, String>> rules(String whole) {
        List<Map<String, String>> rules = new ArrayList<>();
        for (String line : whole.split("\n")) {
            if (line.startsWith("rule=")) {
                rules.add(new java.util.LinkedHashMap<>());
                line = line.substring("rule=".length());
            }
            int equals = line.indexOf('=');
            if (!rules.isEmpty() && equals > 0) {
                rules.get(rules.size() - 1).put(line.substring(0, equals), line.substring(equals + 1).strip());
            }
        }
        return rules;
    }

    private void sipAttribute(String attribute, String value, Setting from) {
        this.script.add(Section.SIP, from + " -> sip=default " + attribute, writeAttribute(SIP, attribute, value));
    }

    // ---- SIP listeners and their ports

    private void sipListeners() {
        for (String leg : List.of("external", "internal")) {
            Optional<Port> both = take(leg + "Port").flatMap(this::port);
            Optional<Port> udp = take(leg + "UdpPort").flatMap(this::port).or(() -> both);
            Optional<Port> tcp = take(leg + "TcpPort").flatMap(this::port).or(() -> both);
            String plain = "load-balancer-sip-" + leg;
            udp.ifPresent(port -> port(plain, port));
            int plainPort = udp.map(p -> p.value).orElse(LAYER_SIP_PORTS.get(leg));
            tcp.filter(port -> port.value != plainPort).ifPresent(port -> {
                port(plain + "-tcp", port);
                this.listeners.get(leg + "-tcp").set("socket-binding", plain + "-tcp", port.setting);
            });
            take(leg + "SecurePort").or(() -> take(leg + "TlsPort")).flatMap(this::port).ifPresent(port -> secureListener(leg, "tls", port));
            take(leg + "WsPort").flatMap(this::port).ifPresent(port -> newListener(leg, "ws", "", port));
            take(leg + "WssPort").flatMap(this::port).ifPresent(port -> secureListener(leg, "wss", port));
            for (String transport : TRANSPORTS) {
                String key = leg + "Ipv6" + Character.toUpperCase(transport.charAt(0)) + transport.substring(1) + "Port";
                take(key).flatMap(this::port).ifPresent(port -> {
                    if (transport.equals("tls") || transport.equals("wss")) {
                        this.report.dropped(port.setting, "a secure IPv6 listener: add it by hand next to " + leg + "-" + transport);
                    } else {
                        this.interfaces.putIfAbsent("load-balancer-ipv6", new Setting("ipv6Host", "::1", port.setting.line()));
                        newListener(leg, transport, "-v6", port);
                    }
                });
            }
            Optional<Setting> address = take(leg + "IpLoadBalancerAddress").flatMap(this::singleAddress);
            Optional<Port> lbPort = take(leg + "IpLoadBalancerPort").flatMap(this::port);
            Optional<Port> lbSecurePort = take(leg + "SecureIpLoadBalancerPort").flatMap(this::port);
            for (Listener listener : List.copyOf(this.listeners.values())) {
                if (listener.name.startsWith(leg + "-") && !listener.name.endsWith("-v6")) {
                    address.ifPresent(s -> listener.set("ip-load-balancer-address", quote(s.value()), s));
                }
            }
            lbPort.ifPresent(port -> List.of("udp", "tcp").forEach(t -> this.listeners.get(leg + "-" + t).set("ip-load-balancer-port", port.value.toString(), port.setting)));
            lbSecurePort.ifPresent(port -> ipLoadBalancerPort(leg + "-tls", port));
            for (String transport : TRANSPORTS) {
                String suffix = Character.toUpperCase(transport.charAt(0)) + transport.substring(1);
                take(leg + "IpLoadBalancer" + suffix + "Port").flatMap(this::port).ifPresent(port -> ipLoadBalancerPort(leg + "-" + transport, port));
            }
            Optional<Setting> v6Address = take(leg + "Ipv6LoadBalancerAddress").flatMap(this::singleAddress);
            List<Listener> v6Listeners = this.listeners.values().stream().filter(l -> l.name.startsWith(leg + "-") && l.name.endsWith("-v6")).toList();
            v6Address.ifPresent(s -> {
                if (v6Listeners.isEmpty()) {
                    this.report.dropped(s, "there is no IPv6 " + leg + " listener for it (no " + leg + "Ipv6UdpPort, ...)");
                }
                v6Listeners.forEach(listener -> listener.set("ip-load-balancer-address", quote(s.value()), s));
            });
            for (String transport : TRANSPORTS) {
                String suffix = Character.toUpperCase(transport.charAt(0)) + transport.substring(1);
                take(leg + "Ipv6LoadBalancer" + suffix + "Port").flatMap(this::port).ifPresent(port -> ipLoadBalancerPort(leg + "-" + transport + "-v6", port));
            }
        }
        take("isTransportWs").flatMap(this::bool).filter(Boolean::booleanValue).ifPresent(on -> this.report.dropped(setting("isTransportWs"),
                "the guide's switch has no port of its own: name it with externalWsPort (listener=external-ws) or externalWssPort"));
    }

    private void ipLoadBalancerPort(String listenerName, Port port) {
        Listener listener = this.listeners.get(listenerName);
        if (listener == null) {
            this.report.dropped(port.setting, "there is no " + listenerName + " listener for it (its port is not set, or it needs a keystore)");
        } else {
            listener.set("ip-load-balancer-port", port.value.toString(), port.setting);
        }
    }

    private void secureListener(String leg, String transport, Port port) {
        String binding = "load-balancer-sip-" + leg + "-" + transport;
        securePort(port, binding, "a " + transport.toUpperCase(Locale.ROOT) + " listener",
                () -> newListener(leg, transport, "", port).set("ssl-context", SERVER_SSL, this.keyStore));
    }

    /** A secure port: its listener when there is a key store, else the port alone, as the original opened it only with one. */
    private void securePort(Port port, String binding, String listener, Runnable withKeyStore) {
        port(binding, port);
        if (this.keyStore == null) {
            this.report.dropped(port.setting, listener + " needs a key store (javax.net.ssl.keyStore), as the original's; "
                    + "the port is kept on socket-binding " + binding);
        } else {
            withKeyStore.run();
        }
    }

    private Listener newListener(String leg, String transport, String suffix, Port port) {
        String binding = "load-balancer-sip-" + leg + "-" + transport + suffix;
        port(binding, port);
        Listener listener = this.listeners.computeIfAbsent(leg + "-" + transport + suffix, name -> new Listener(name, false));
        listener.set("side", leg, port.setting);
        listener.set("transport", transport, port.setting);
        listener.set("socket-binding", binding, port.setting);
        return listener;
    }

    // ---- HTTP engine

    private void http() {
        take("httpPort").flatMap(this::port).ifPresent(port -> port("load-balancer-http", port));
        take("httpsPort").flatMap(this::port).ifPresent(port -> securePort(port, "load-balancer-https", "an HTTPS listener", () -> {
            String from = port.setting + " -> http=default https-socket-binding and ssl-context";
            this.script.add(Section.HTTP, from, writeAttribute(HTTP, "https-socket-binding", "load-balancer-https"));
            this.script.add(Section.HTTP, from, writeAttribute(HTTP, "ssl-context", SERVER_SSL));
        }));
        take("unavailableHost").flatMap(s -> hostsAndPorts(s, true)).ifPresent(hosts -> httpAttribute("unavailable-host", quote(hosts.get(0)), "unavailableHost"));
        take("requestCheckPattern").ifPresent(s -> httpAttribute("bad-node-request-pattern", quote(s.value()), "requestCheckPattern"));
        take("maxContentLength").flatMap(s -> number(s, 0, Integer.MAX_VALUE)).ifPresent(v -> httpAttribute("max-request-size", v.toString(), "maxContentLength"));
        take("urlrewrite").ifPresent(this::rewriteRules);
    }

    /**
     * The original's urlrewrite rules ({@code <rule><from>regex</from><to>replacement</to></rule>}, replaced where the
     * regex is found) as Undertow rules: an anchored {@code from} becomes {@code regex('from') -> rewrite('to')}, an
     * unanchored one matches the path around it; {@code $n} becomes Undertow's {@code ${n}}.
     */
    private void rewriteRules(Setting urlrewrite) {
        List<String> rules = new ArrayList<>();
        List<Map<String, String>> originals = rules(urlrewrite.value());
        if (originals.isEmpty()) {
            malformed(urlrewrite, "<rule> elements with <from> and <to>");
        }
        for (Map<String, String> rule : originals) {
            String from = rule.get("from");
            String to = rule.getOrDefault("to", "");
            if (from == null || rule.containsKey("condition") || "redirect".equals(rule.get("type"))) {
                this.report.dropped(urlrewrite, "a rule other than <from>/<to> (" + rule + "): write it as an Undertow rule in http=default rewrite-rules");
                continue;
            }
            int groups;
            try {
                groups = java.util.regex.Pattern.compile(from).matcher("").groupCount();
            } catch (java.util.regex.PatternSyntaxException e) {
                malformed(urlrewrite, "regular expressions in <from> (" + e.getDescription() + ")");
                continue;
            }
            boolean anchored = from.startsWith("^") && from.endsWith("$");
            String replacement = to.replaceAll("\\$(\\d)", anchored ? "\\${$1}" : "\\${+$1}");
            if (!anchored) {
                // the text before the match is group 1, so the rule's own groups move up by one; what follows is the last
                for (int group = groups; group >= 1; group--) {
                    replacement = replacement.replace("${+" + group + "}", "${" + (group + 1) + "}");
                }
                replacement = "${1}" + replacement + "${" + (groups + 2) + "}";
            }
            String pattern = anchored ? from : "^(.*?)(?:" + from + ")(.*)$";
            rules.add("regex('" + pattern.replace("'", "\\'") + "') -> rewrite('" + replacement.replace("'", "\\'") + "')");
        }
        if (!rules.isEmpty()) {
            httpAttribute("rewrite-rules", list(rules), "urlrewrite");
        }
    }

    /** The original's SMPP algorithm classes by their simple names; another class cannot be loaded into the SMPP engine. */
    private void smppAlgorithm(String key, String attribute, Map<String, String> builtIns) {
        take(key).ifPresent(s -> {
            String value = builtIns.get(s.value().substring(s.value().lastIndexOf('.') + 1));
            if (value != null) {
                this.script.add(Section.SMPP, s + " -> smpp=default " + attribute, writeAttribute(SMPP, attribute, value));
            } else {
                this.report.dropped(s, "not one of the original's SMPP algorithms (" + String.join(", ", new java.util.TreeSet<>(builtIns.keySet()))
                        + "); the SMPP engine takes no custom class");
            }
        });
    }

    private void httpAttribute(String attribute, String value, String key) {
        this.script.add(Section.HTTP, setting(key) + " -> http=default " + attribute, writeAttribute(HTTP, attribute, value));
    }

    // ---- SMPP engine

    private void smpp() {
        take("smppPort").flatMap(this::port).ifPresent(port -> port("load-balancer-smpp", port));
        take("smppSslPort").flatMap(this::port).ifPresent(port -> securePort(port, "load-balancer-smpp-tls", "a TLS listener", () -> {
            String from = port.setting + " -> smpp=default ssl-socket-binding and ssl-context";
            this.script.add(Section.SMPP, from, writeAttribute(SMPP, "ssl-socket-binding", "load-balancer-smpp-tls"));
            this.script.add(Section.SMPP, from, writeAttribute(SMPP, "ssl-context", SERVER_SSL));
        }));
        take("remoteServers").ifPresent(s -> hostsAndPorts(s, true).ifPresent(servers -> {
            List<String> names = new ArrayList<>();
            for (String server : servers) {
                String name = "load-balancer-smsc-" + (names.size() + 1);
                int colon = server.lastIndexOf(':');
                String host = server.substring(0, colon).replace("[", "").replace("]", "");
                this.script.add(Section.SOCKET_BINDINGS, s + ": SMSC " + server, SOCKETS + "/remote-destination-outbound-socket-binding=" + name
                        + ":add(host=" + quote(host) + ", port=" + server.substring(colon + 1) + ")");
                names.add(name);
            }
            this.script.add(Section.SMPP, s + " -> smpp=default remote-servers", writeAttribute(SMPP, "remote-servers", list(names)));
        }));
        smppDuration("maxConnectionSize", "window-size");
        smppDuration("timeoutResponse", "response-timeout");
        smppDuration("timeoutConnection", "bind-timeout");
        smppDuration("timeoutEnquire", "enquire-link-interval");
        smppDuration("reconnectPeriod", "reconnect-interval");
        smppDuration("timeoutConnectionCheckClientSide", "client-check-timeout");
        smppDuration("timeoutConnectionCheckServerSide", "server-check-timeout");
        take("muxMode").flatMap(this::bool).ifPresent(mux -> this.script.add(Section.SMPP, setting("muxMode") + " -> smpp=default mode",
                writeAttribute(SMPP, "mode", mux ? "mux" : "regular")));
        smppAlgorithm("toNodeAlgorithmClass", "to-node-algorithm", Map.of("SmppToNodeRoundRobinAlgorithm", "round-robin",
                "SmppToNodeSubmitToAllAlgorithm", "submit-to-all"));
        smppAlgorithm("toProviderAlgorithmClass", "to-provider-algorithm", Map.of("SmppToProviderRoundRobinAlgorithm", "round-robin",
                "SmppToProviderActiveStandbyAlgorithm", "active-standby"));
        take("smppName").ifPresent(s -> this.report.note(s, "a label only; nothing to configure"));
        take("nonBlockingSocketsEnabled").ifPresent(s -> this.report.note(s, "the SMPP engine is always non-blocking"));
        take("defaultSessionCountersEnabled").ifPresent(s -> this.report.note(s, "the SMPP counters follow the balancer's statistics-enabled"));
    }

    private void smppDuration(String key, String attribute) {
        take(key).flatMap(s -> positive(s)).ifPresent(v -> this.script.add(Section.SMPP,
                v.setting + " -> smpp=default " + attribute, writeAttribute(SMPP, attribute, v.value.toString())));
    }

    // ---- TLS: Elytron stores, managers and contexts

    private void tls() {
        Optional<Setting> keyStorePath = take("javax.net.ssl.keyStore");
        Optional<Setting> keyStorePassword = take("javax.net.ssl.keyStorePassword");
        Optional<Setting> trustStorePath = take("javax.net.ssl.trustStore");
        Optional<Setting> trustStorePassword = take("javax.net.ssl.trustStorePassword");
        Optional<Setting> protocolsSetting = take("gov.nist.javax.sip.TLS_CLIENT_PROTOCOLS");
        Optional<List<String>> protocols = protocolsSetting.flatMap(this::protocols);
        Optional<Setting> clientAuth = take("gov.nist.javax.sip.TLS_CLIENT_AUTH_TYPE");
        take("gov.nist.javax.sip.ENABLED_CIPHER_SUITES").ifPresent(s -> this.report.dropped(s,
                "cipher suites are chosen by the server-ssl-context's cipher-suite-filter (OpenSSL-style names): set it on " + SERVER_SSL + " by hand"));
        take("javax.net.debug").ifPresent(s -> this.report.note(s, "a JVM option: add -Djavax.net.debug=" + s.value() + " to JAVA_OPTS"));
        trustStorePath.ifPresent(path -> {
            store("load-balancer-trust-store", path, trustStorePassword);
            this.script.add(Section.ELYTRON, path + ": trust manager", ELYTRON + "/trust-manager=load-balancer-trust-manager:add(key-store=load-balancer-trust-store)");
        });
        if (trustStorePath.isEmpty()) {
            trustStorePassword.ifPresent(s -> this.report.note(s, "unused without javax.net.ssl.trustStore"));
        }
        Optional<Boolean> remoteSsl = take("isRemoteServerSsl").flatMap(this::bool);
        if (remoteSsl.orElse(false)) {
            Setting from = setting("isRemoteServerSsl");
            this.script.add(Section.ELYTRON, from + ": TLS towards the nodes and SMSCs", ELYTRON + "/client-ssl-context=" + CLIENT_SSL + ":add("
                    + (trustStorePath.isPresent() ? "trust-manager=load-balancer-trust-manager" : "") + protocolsParameter(protocols, trustStorePath.isPresent()) + ")");
            this.script.add(Section.HTTP, from + " -> http=default backend-ssl-context", writeAttribute(HTTP, "backend-ssl-context", CLIENT_SSL));
            this.script.add(Section.SMPP, from + " -> smpp=default backend-ssl-context", writeAttribute(SMPP, "backend-ssl-context", CLIENT_SSL));
        }
        if (keyStorePath.isEmpty()) {
            keyStorePassword.ifPresent(s -> this.report.note(s, "unused without javax.net.ssl.keyStore"));
            if (!remoteSsl.orElse(false)) {
                protocols.ifPresent(p -> this.report.note(protocolsSetting.get(), "unused without javax.net.ssl.keyStore or isRemoteServerSsl: there is no TLS"));
            }
            clientAuth.ifPresent(s -> this.report.note(s, "unused without javax.net.ssl.keyStore: there is no TLS listener"));
            return;
        }
        Setting path = keyStorePath.get();
        this.keyStore = path;
        store("load-balancer-key-store", path, keyStorePassword);
        this.script.add(Section.ELYTRON, path + ": key manager", ELYTRON + "/key-manager=load-balancer-key-manager:add(key-store=load-balancer-key-store"
                + keyStorePassword.map(s -> ", credential-reference={clear-text=" + quote(s.value()) + "}").orElse("") + ")");
        StringBuilder context = new StringBuilder(ELYTRON + "/server-ssl-context=" + SERVER_SSL + ":add(key-manager=load-balancer-key-manager");
        trustStorePath.ifPresent(s -> context.append(", trust-manager=load-balancer-trust-manager"));
        context.append(protocolsParameter(protocols, true));
        clientAuth.ifPresent(s -> {
            switch (s.value().toLowerCase(Locale.ROOT)) {
                case "enabled" -> context.append(", need-client-auth=true");
                case "want" -> context.append(", want-client-auth=true");
                case "disabled", "disabledall" -> context.append(", need-client-auth=false, want-client-auth=false");
                default -> malformed(s, "Enabled, Want, Disabled or DisabledAll");
            }
        });
        this.script.add(Section.ELYTRON, path + clientAuth.map(s -> ", " + s).orElse("") + ": the TLS listeners' context", context.append(')').toString());
    }

    private String protocolsParameter(Optional<List<String>> protocols, boolean afterAnother) {
        return protocols.map(p -> (afterAnother ? ", " : "") + "protocols=" + list(p)).orElse("");
    }

    private void store(String name, Setting path, Optional<Setting> password) {
        this.script.add(Section.ELYTRON, path + password.map(p -> ", " + p).orElse("") + ": key store (its type is detected from the file)",
                ELYTRON + "/key-store=" + name + ":add(path=" + quote(path.value()) + password.map(p -> ", credential-reference={clear-text=" + quote(p.value()) + "}").orElse("") + ")");
    }

    private Optional<List<String>> protocols(Setting s) {
        List<String> protocols = split(s.value());
        return TLS_PROTOCOLS.containsAll(protocols) && !protocols.isEmpty() ? Optional.of(protocols)
                : malformed(s, "TLS protocol names among " + new TreeSet<>(TLS_PROTOCOLS));
    }

    // ---- jain-sip stack properties

    private void stackProperties() {
        Map<String, String> passed = new LinkedHashMap<>();
        List<String> from = new ArrayList<>();
        for (Setting s : List.copyOf(this.settings.values())) {
            if (!s.key().startsWith("javax.sip.") && !s.key().startsWith("gov.nist.javax.sip.")) {
                continue;
            }
            take(s.key());
            if (BALANCER_STACK_PROPERTIES.contains(s.key())) {
                this.report.note(s, "set by the balancer itself; this value would be ignored");
            } else if (STACK_LOG_PROPERTIES.contains(s.key())) {
                this.report.note(s, "jain-sip logs through the server's logging (category gov.nist); /subsystem=logging/logger=gov.nist:add(level=DEBUG)");
            } else {
                if (s.key().equals("gov.nist.javax.sip.THREAD_POOL_SIZE") && !s.value().equals("1")) {
                    this.report.note(s, "passed on; the balancer's default of 1 keeps each connection's messages in order (a 180 cannot overtake its 200)");
                }
                passed.put(s.key(), s.value());
                from.add(s.toString());
            }
        }
        if (!passed.isEmpty()) {
            this.script.add(Section.SIP, String.join(", ", from) + " -> sip=default stack-properties", writeAttribute(SIP, "stack-properties", Script.properties(passed)));
        }
    }

    // ---- what is left: keys the original did not know either

    private void unknown(List<String> lines) {
        for (Setting s : this.overridden) {
            if (this.known.contains(s.key())) {
                this.report.note(s, "set again on a later line; the last value counts, as in the original");
            } else {
                this.settings.putIfAbsent(s.key() + "@" + s.line(), s);
            }
        }
        for (Setting s : this.settings.values()) {
            String hint = closest(s.key()).map(key -> "did you mean " + key + "?").orElse("");
            if (hint.isEmpty() && lines != null && PropertiesReader.hasNoSeparator(s, lines)) {
                hint = "a line with no '=': a comment that lost its '#'?";
            }
            this.report.unknown(s, hint.isEmpty() ? "the original does not read it either" : hint);
        }
    }

    private Optional<String> closest(String key) {
        return this.known.stream().filter(candidate -> distance(candidate.toLowerCase(Locale.ROOT), key.toLowerCase(Locale.ROOT)) <= 2).findFirst();
    }

    private static int distance(String a, String b) {
        int[] previous = new int[b.length() + 1];
        int[] current = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            previous[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            current[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int substitution = previous[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
                current[j] = Math.min(substitution, Math.min(previous[j], current[j - 1]) + 1);
            }
            int[] swap = previous;
            previous = current;
            current = swap;
        }
        return previous[b.length()];
    }

    // ---- socket-bindings, interfaces and listeners, written once everything is known

    private void emitSocketsAndListeners() {
        this.interfaces.forEach((name, host) -> this.script.add(Section.INTERFACES, host + ": the address the balancer listens on",
                "/interface=" + name + ":add(inet-address=" + quote("${jboss.bind.address." + name + ":" + host.value() + "}") + ")"));
        for (Binding binding : this.bindings.values()) {
            String iface = interfaceOf(binding.name);
            String address = SOCKETS + "/socket-binding=" + binding.name;
            String port = binding.port == null ? null : quote("${jboss." + binding.name.replaceFirst("^load-balancer-", "load-balancer.") + ".port:" + binding.port.value + "}");
            if (!binding.existing) {
                this.script.add(Section.SOCKET_BINDINGS, binding.port.setting + ": a socket-binding of its own",
                        address + ":add(port=" + port + (iface == null ? "" : ", interface=" + iface) + ")");
                continue;
            }
            if (port != null) {
                this.script.add(Section.SOCKET_BINDINGS, binding.port.setting.toString(), writeAttribute(address, "port", port));
            }
            if (iface != null) {
                this.script.add(Section.SOCKET_BINDINGS, this.interfaces.get(iface) + ": listens on interface " + iface, writeAttribute(address, "interface", iface));
            }
        }
        for (Listener listener : this.listeners.values()) {
            String address = SIP + "/listener=" + listener.name;
            String from = String.join(", ", listener.from);
            if (listener.existing) {
                listener.attributes.forEach((name, value) -> this.script.add(Section.LISTENERS, from + " -> listener=" + listener.name + " " + name,
                        writeAttribute(address, name, value)));
            } else {
                StringBuilder add = new StringBuilder(address).append(":add(");
                listener.attributes.forEach((name, value) -> add.append(name).append('=').append(value).append(", "));
                this.script.add(Section.LISTENERS, from, add.delete(add.length() - 2, add.length()).append(')').toString());
            }
        }
    }

    /** The interface a socket-binding moves to, by the key that named an address for it; null keeps the layer's. */
    private String interfaceOf(String binding) {
        List<String> candidates = new ArrayList<>();
        if (binding.endsWith("-v6")) {
            candidates.add("load-balancer-ipv6");
        } else if (binding.startsWith("load-balancer-sip-external")) {
            candidates.add("load-balancer-external");
        } else if (binding.startsWith("load-balancer-sip-internal")) {
            candidates.add("load-balancer-internal");
        } else if (binding.startsWith("load-balancer-smpp")) {
            candidates.add("load-balancer-smpp");
        }
        if (!binding.endsWith("-v6")) {
            candidates.add("load-balancer");
        }
        return candidates.stream().filter(this.interfaces::containsKey).findFirst().orElse(null);
    }

    private void port(String binding, Port port) {
        this.bindings.computeIfAbsent(binding, name -> new Binding(name, false)).port = port;
    }

    // ---- reading values

    private Optional<Setting> take(String key) {
        this.known.add(key);
        Setting setting = this.settings.remove(key);
        if (setting != null) {
            this.taken.put(key, setting);
        }
        return Optional.ofNullable(setting);
    }

    /** A setting already taken, for its comment; only called while its value is being mapped. */
    private Setting setting(String key) {
        return this.taken.get(key);
    }

    private void pending(Setting s, String target, String what, String operation) {
        if (PendingTargets.available(target)) {
            this.script.add(target.startsWith("sip=") ? Section.SIP : target.startsWith("smpp=") ? Section.SMPP : target.startsWith("http=") ? Section.HTTP
                    : target.startsWith("algorithm=") ? Section.ALGORITHM : Section.ROOT, s + " -> " + target + " (" + what + ")", operation);
        } else {
            this.report.dropped(s, Report.NOT_YET + " (" + what + "; its home is " + target + ": " + operation + ")");
        }
    }

    private Optional<Setting> address(Setting s) {
        return ADDRESS.matcher(s.value()).matches() ? Optional.of(s) : malformed(s, "an IP address or host name");
    }

    private Optional<Setting> singleAddress(Setting s) {
        List<String> addresses = split(s.value());
        if (addresses.size() > 1) {
            this.report.dropped(s, "a listener has one ip-load-balancer-address; " + addresses.get(0) + " is used, the others are dropped");
            return Optional.of(new Setting(s.key(), addresses.get(0), s.line()));
        }
        return address(s);
    }

    private Optional<Port> port(Setting s) {
        return number(s, 1, 65535).map(value -> new Port(value, s));
    }

    private Optional<Integer> number(Setting s, int min, int max) {
        try {
            int value = Integer.parseInt(s.value());
            if (value >= min && value <= max) {
                return Optional.of(value);
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        return malformed(s, "a whole number from " + min + " to " + max);
    }

    private Optional<Valued> positive(Setting s) {
        try {
            long value = Long.parseLong(s.value());
            if (value > 0) {
                return Optional.of(new Valued(value, s));
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        return malformed(s, "a whole number above 0");
    }

    private Optional<Boolean> bool(Setting s) {
        if (s.value().equalsIgnoreCase("true") || s.value().equalsIgnoreCase("false")) {
            return Optional.of(Boolean.parseBoolean(s.value()));
        }
        return malformed(s, "true or false");
    }

    private Optional<List<String>> hostsAndPorts(Setting s, boolean portRequired) {
        List<String> entries = split(s.value());
        for (String entry : entries) {
            Matcher matcher = HOST_AND_PORT.matcher(entry);
            if (!matcher.matches() || (portRequired && matcher.group(2) == null && !s.key().equals("unavailableHost"))
                    || (matcher.group(2) != null && Integer.parseInt(matcher.group(2)) > 65535)) {
                return malformed(s, (portRequired ? "host:port" : "host or host:port") + " entries separated by commas; '" + entry + "' is not one");
            }
        }
        return entries.isEmpty() ? malformed(s, "at least one host") : Optional.of(entries);
    }

    private <T> Optional<T> malformed(Setting s, String expected) {
        this.report.malformed(s, "expected " + expected);
        return Optional.empty();
    }

    private static List<String> split(String value) {
        return List.of(value.split("\\s*,\\s*")).stream().map(String::strip).filter(v -> !v.isEmpty()).toList();
    }

    private record Port(Integer value, Setting setting) {
    }

    private record Valued(Long value, Setting setting) {
    }

    private static final class Binding {
        final String name;
        final boolean existing;
        Port port;

        Binding(String name, boolean existing) {
            this.name = name;
            this.existing = existing;
        }
    }

    private static final class Listener {
        final String name;
        final boolean existing;
        final Map<String, String> attributes = new LinkedHashMap<>();
        final Set<String> from = new java.util.LinkedHashSet<>();

        Listener(String name, boolean existing) {
            this.name = name;
            this.existing = existing;
        }

        Listener set(String attribute, String value, Setting setting) {
            this.attributes.put(attribute, value);
            this.from.add(setting.toString());
            return this;
        }
    }
}
