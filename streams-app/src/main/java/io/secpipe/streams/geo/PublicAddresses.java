package io.secpipe.streams.geo;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;

/**
 * Whether an address is globally routable: private, shared, loopback, link-local, documentation,
 * benchmarking, multicast and other special-purpose ranges (IANA registries) have no place to look up.
 */
public final class PublicAddresses {

    /** {network, prefix length} of the IPv4 special-purpose ranges. */
    private static final int[][] V4_RESERVED = {
            {0x00000000, 8}, {0x0A000000, 8}, {0x64400000, 10}, {0x7F000000, 8}, {0xA9FE0000, 16},
            {0xAC100000, 12}, {0xC0000000, 24}, {0xC0000200, 24}, {0xC0586300, 24}, {0xC0A80000, 16},
            {0xC6120000, 15}, {0xC6336400, 24}, {0xCB007100, 24}, {0xE0000000, 4}, {0xF0000000, 4},
    };

    private PublicAddresses() {
    }

    public static boolean isPublic(InetAddress address) {
        if (address instanceof Inet4Address v4) {
            return isPublicV4(toInt(v4.getAddress(), 0));
        }
        if (address instanceof Inet6Address v6) {
            byte[] b = v6.getAddress();
            if (isMappedV4(b)) {
                return isPublicV4(toInt(b, 12));
            }
            // only global unicast (2000::/3) is public, less documentation (2001:db8::/32), the IETF
            // protocol block (2001::/23) and 6to4 (2002::/16, whose embedded IPv4 is not the peer's place)
            if ((b[0] & 0xE0) != 0x20) {
                return false;
            }
            int first = ((b[0] & 0xFF) << 8) | (b[1] & 0xFF);
            int second = ((b[2] & 0xFF) << 8) | (b[3] & 0xFF);
            return !(first == 0x2001 && second == 0x0db8) && !(first == 0x2001 && second < 0x0200) && first != 0x2002;
        }
        return false;
    }

    private static boolean isPublicV4(int ip) {
        for (int[] range : V4_RESERVED) {
            int mask = -1 << (32 - range[1]);
            if ((ip & mask) == range[0]) {
                return false;
            }
        }
        return true;
    }

    private static boolean isMappedV4(byte[] b) {
        for (int i = 0; i < 10; i++) {
            if (b[i] != 0) {
                return false;
            }
        }
        return b[10] == (byte) 0xFF && b[11] == (byte) 0xFF;
    }

    private static int toInt(byte[] b, int from) {
        return ((b[from] & 0xFF) << 24) | ((b[from + 1] & 0xFF) << 16) | ((b[from + 2] & 0xFF) << 8) | (b[from + 3] & 0xFF);
    }
}
