package org.restcomm.lb.node;

/** {@code host}, {@code host:port} or {@code [IPv6]:port}, checked for shape only (no name lookup). */
public record HostAndPort(String host, int port) {

    public static HostAndPort parse(String text, int defaultPort) {
        String value = (text == null) ? "" : text.trim();
        if (value.isEmpty()) {
            throw new IllegalArgumentException("empty address");
        }
        if (value.startsWith("[")) {
            int close = value.indexOf(']');
            if (close < 2) {
                throw new IllegalArgumentException("unclosed IPv6 bracket in '" + value + "'");
            }
            String rest = value.substring(close + 1);
            if (!rest.isEmpty() && !rest.startsWith(":")) {
                throw new IllegalArgumentException("unexpected '" + rest + "' after IPv6 address");
            }
            return new HostAndPort(value.substring(1, close), rest.isEmpty() ? defaultPort : port(rest.substring(1), value));
        }
        int colon = value.indexOf(':');
        if (colon >= 0 && colon != value.lastIndexOf(':')) {
            // a bare IPv6 address without brackets carries no port
            return new HostAndPort(value, defaultPort);
        }
        if (colon == 0) {
            throw new IllegalArgumentException("no host in '" + value + "'");
        }
        return (colon < 0) ? new HostAndPort(value, defaultPort) : new HostAndPort(value.substring(0, colon), port(value.substring(colon + 1), value));
    }

    /** The host as a URI or Via writes it: an IPv6 address in brackets, anything else as it is. */
    public static String bracketed(String host) {
        return (host.indexOf(':') >= 0 && !host.startsWith("[")) ? "[" + host + "]" : host;
    }

    /** Whether the host is an IPv6 address literal, bracketed or not (names are taken for IPv4 ones). */
    public static boolean isIpv6Literal(String host) {
        return host.indexOf(':') >= 0;
    }

    /** Whether two hosts are the same: equal text, or IPv6 literals written differently ({@code ::1}, {@code [0:0:0:0:0:0:0:1]}). */
    public static boolean sameHost(String one, String other) {
        if (one.equals(other)) {
            return true;
        }
        if (!isIpv6Literal(one) || !isIpv6Literal(other)) {
            return false;
        }
        try {
            // literals only: no name is looked up
            return java.net.InetAddress.getByName(bare(one)).equals(java.net.InetAddress.getByName(bare(other)));
        } catch (java.net.UnknownHostException e) {
            return false;
        }
    }

    /**
     * The address an IP literal (dotted quad, or IPv6 bracketed or not) stands for; null for a host name, which is
     * not looked up here.
     */
    public static java.net.InetAddress literalAddress(String host) {
        boolean literal = isIpv6Literal(host) || isDottedQuad(host);
        if (!literal) {
            return null;
        }
        try {
            return java.net.InetAddress.getByName(bare(host));
        } catch (java.net.UnknownHostException e) {
            return null;
        }
    }

    /**
     * Four decimal octets of at most 255: anything else that looks like one (999.1.1.1) is no address, and handing it
     * to {@link java.net.InetAddress#getByName} would ask DNS for it.
     */
    public static boolean isDottedQuad(String host) {
        String[] octets = host.split("\\.", -1);
        if (octets.length != 4) {
            return false;
        }
        for (String octet : octets) {
            if (octet.isEmpty() || octet.length() > 3 || !octet.chars().allMatch(c -> c >= '0' && c <= '9') || Integer.parseInt(octet) > 255) {
                return false;
            }
        }
        return true;
    }

    private static String bare(String host) {
        return host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
    }

    private static int port(String text, String whole) {
        try {
            int port = Integer.parseInt(text);
            if (port > 0 && port <= 0xFFFF) {
                return port;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalArgumentException("invalid port in '" + whole + "'");
    }
}
