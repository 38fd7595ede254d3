package org.restcomm.lb.node;

import java.math.BigInteger;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.regex.Pattern;

/** An IPv4 or IPv6 network in CIDR notation ({@code 10.0.0.0/8}, {@code fd00::/8}); a bare address is one host. */
public record Cidr(InetAddress network, int prefixLength) {

    private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");
    private static final Pattern IPV6 = Pattern.compile("[0-9A-Fa-f:.]+");

    /** Parses a literal, never a host name: nothing here may wait for DNS. */
    public static Cidr parse(String text) {
        String value = (text == null) ? "" : text.trim();
        int slash = value.indexOf('/');
        String address = (slash < 0) ? value : value.substring(0, slash);
        boolean v4 = IPV4.matcher(address).matches();
        if (!v4 && !(address.contains(":") && IPV6.matcher(address).matches())) {
            throw new IllegalArgumentException("'" + value + "' is not an IPv4 or IPv6 address in CIDR notation (such as 10.0.0.0/8 or fd00::/8)");
        }
        InetAddress network;
        try {
            network = InetAddress.getByName(address);
        } catch (UnknownHostException | RuntimeException e) {
            throw new IllegalArgumentException("'" + value + "' is not a valid IP address", e);
        }
        int bits = network.getAddress().length * 8;
        if (v4 && network.getAddress().length != 4) {
            throw new IllegalArgumentException("'" + value + "' is not a valid IPv4 address");
        }
        int prefix = bits;
        if (slash >= 0) {
            try {
                prefix = Integer.parseInt(value.substring(slash + 1));
            } catch (NumberFormatException e) {
                prefix = -1;
            }
            if (prefix < 0 || prefix > bits) {
                throw new IllegalArgumentException("'" + value + "' has a prefix length outside 0.." + bits);
            }
        }
        return new Cidr(network, prefix);
    }

    public boolean contains(InetAddress address) {
        byte[] network = this.network.getAddress();
        byte[] candidate = address.getAddress();
        if (candidate.length != network.length) {
            return false;
        }
        int bits = network.length * 8;
        if (this.prefixLength == 0) {
            return true;
        }
        BigInteger mask = BigInteger.ONE.shiftLeft(bits).subtract(BigInteger.ONE).shiftRight(bits - this.prefixLength).shiftLeft(bits - this.prefixLength);
        return new BigInteger(1, network).and(mask).equals(new BigInteger(1, candidate).and(mask));
    }

    @Override
    public String toString() {
        return this.network.getHostAddress() + "/" + this.prefixLength;
    }
}
