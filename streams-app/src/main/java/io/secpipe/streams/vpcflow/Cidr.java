package io.secpipe.streams.vpcflow;

import java.net.InetAddress;
import java.net.UnknownHostException;

/** An IPv4 or IPv6 network; {@link #contains} compares address bytes, so the two families never match. */
public record Cidr(byte[] network, int prefix) {

    /** Parses {@code a.b.c.d/n} or {@code x::y/n}; null when the text is not a network. */
    public static Cidr parse(String text) {
        int slash = text == null ? -1 : text.indexOf('/');
        if (slash < 0) {
            return null;
        }
        try {
            byte[] network = address(text.substring(0, slash));
            int prefix = Integer.parseInt(text.substring(slash + 1));
            return network == null || prefix < 0 || prefix > network.length * 8 ? null : new Cidr(network, prefix);
        } catch (NumberFormatException e) {
            return null;
        }
    }

    /** The bytes of an IP literal, never asking DNS; null when it is not one. */
    public static byte[] address(String literal) {
        if (literal == null || !IpLiterals.isIpLiteral(literal)) {
            return null;
        }
        try {
            return InetAddress.getByName(literal).getAddress();
        } catch (UnknownHostException e) {
            return null;
        }
    }

    public boolean contains(byte[] address) {
        if (address == null || address.length != network.length) {
            return false;
        }
        int whole = prefix / 8;
        for (int i = 0; i < whole; i++) {
            if (address[i] != network[i]) {
                return false;
            }
        }
        int rest = prefix % 8;
        if (rest == 0) {
            return true;
        }
        int mask = (0xFF << (8 - rest)) & 0xFF;
        return (address[whole] & mask) == (network[whole] & mask);
    }
}
