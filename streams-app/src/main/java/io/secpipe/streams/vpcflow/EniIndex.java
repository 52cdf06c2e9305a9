package io.secpipe.streams.vpcflow;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * ENIs by address, to name the interface at the other end of a flow. Private addresses repeat across
 * VPCs, so an address maps to every ENI that holds it and the flow's own VPC picks one.
 */
public final class EniIndex {

    private final Map<String, List<Eni>> byAddress = new HashMap<>();

    public static EniIndex of(Iterable<Eni> enis) {
        EniIndex index = new EniIndex();
        for (Eni eni : enis) {
            for (String address : eni.addresses()) {
                index.byAddress.computeIfAbsent(address, a -> new ArrayList<>(1)).add(eni);
            }
        }
        return index;
    }

    /** The ENI holding {@code ip} in {@code vpcId}; with the VPC unknown, the only ENI holding it. */
    public Eni find(String ip, String vpcId) {
        List<Eni> holders = ip == null ? null : byAddress.get(Eni.canonical(ip));
        if (holders == null) {
            return null;
        }
        if (vpcId == null) {
            return holders.size() == 1 ? holders.get(0) : null;
        }
        for (Eni eni : holders) {
            if (vpcId.equals(eni.vpcId())) {
                return eni;
            }
        }
        // a public address is unique whatever the VPC
        return holders.size() == 1 && holders.get(0).vpcId() == null ? holders.get(0) : null;
    }

    public int size() {
        return byAddress.size();
    }
}
