package io.secpipe.streams.vpcflow;

/** IANA protocol numbers to their registry keywords, lower case as ECS's network.transport writes them. */
public final class IanaProtocols {

    private static final String[] NAMES = new String[256];

    static {
        String[][] known = {
                {"0", "hopopt"}, {"1", "icmp"}, {"2", "igmp"}, {"4", "ipv4"}, {"6", "tcp"}, {"8", "egp"},
                {"9", "igp"}, {"17", "udp"}, {"27", "rdp"}, {"41", "ipv6"}, {"43", "ipv6-route"},
                {"44", "ipv6-frag"}, {"46", "rsvp"}, {"47", "gre"}, {"50", "esp"}, {"51", "ah"},
                {"58", "ipv6-icmp"}, {"59", "ipv6-nonxt"}, {"60", "ipv6-opts"}, {"88", "eigrp"},
                {"89", "ospfigp"}, {"94", "ipip"}, {"97", "etherip"}, {"103", "pim"}, {"108", "ipcomp"},
                {"112", "vrrp"}, {"115", "l2tp"}, {"132", "sctp"}, {"136", "udplite"}, {"137", "mpls-in-ip"},
        };
        for (String[] p : known) {
            NAMES[Integer.parseInt(p[0])] = p[1];
        }
    }

    private IanaProtocols() {
    }

    /** The keyword, or null for a number the table does not name. */
    public static String name(long number) {
        return number >= 0 && number < NAMES.length ? NAMES[(int) number] : null;
    }

    /**
     * A security-group rule's protocol as a number: AWS accepts a name (tcp, udp, icmp, icmpv6), a number,
     * or -1 for all. Returns -1 for all, -2 for something unknown.
     */
    public static int ruleProtocol(String protocol) {
        if (protocol == null) {
            return -2;
        }
        switch (protocol.toLowerCase(java.util.Locale.ROOT)) {
            case "-1", "all":
                return -1;
            case "tcp":
                return 6;
            case "udp":
                return 17;
            case "icmp":
                return 1;
            case "icmpv6", "ipv6-icmp":
                return 58;
            default:
                try {
                    return Integer.parseInt(protocol);
                } catch (NumberFormatException e) {
                    return -2;
                }
        }
    }
}
