package io.secpipe.ops.alarms;

import java.util.ArrayList;
import java.util.List;
import software.amazon.awssdk.services.opensearch.model.ClusterConfig;
import software.amazon.awssdk.services.opensearch.model.DomainStatus;
import software.amazon.awssdk.services.opensearch.model.LogPublishingOption;
import software.amazon.awssdk.services.opensearch.model.LogType;

/**
 * What the alarm checker needs to know about one OpenSearch Service / Elasticsearch domain.
 *
 * @param accountId the domain's account (from its ARN): CloudWatch's {@code ClientId} dimension
 * @param ebsVolumeGiB the EBS volume of each data node, or null when the nodes use instance storage
 * @param ebsVolumeType gp2, gp3, ... or null
 * @param ebsIops the volume's provisioned IOPS, or null
 * @param instanceStoreGb without EBS, the instance storage of one node when its instance type is known, else null
 * @param snapshotHour the automated snapshot start hour (UTC), or null when the domain does not say
 */
public record Domain(String name, String accountId, String engineVersion, String instanceType, int dataNodes,
                     boolean zoneAwareness, int zones, int dedicatedMasters, int warmNodes, boolean inVpc,
                     boolean encryptedAtRest, boolean slowLogs, Integer ebsVolumeGiB, String ebsVolumeType, Integer ebsIops,
                     Integer instanceStoreGb, Integer snapshotHour) {

    static Domain of(DomainStatus status) {
        ClusterConfig cluster = status.clusterConfig();
        boolean zoneAware = Boolean.TRUE.equals(cluster.zoneAwarenessEnabled());
        int zones = !zoneAware ? 1 : cluster.zoneAwarenessConfig() != null && cluster.zoneAwarenessConfig().availabilityZoneCount() != null
                ? cluster.zoneAwarenessConfig().availabilityZoneCount() : 2;
        boolean ebs = status.ebsOptions() != null && Boolean.TRUE.equals(status.ebsOptions().ebsEnabled());
        return new Domain(status.domainName(), status.arn().split(":")[4], status.engineVersion(), cluster.instanceTypeAsString(),
                orZero(cluster.instanceCount()), zoneAware, zones,
                Boolean.TRUE.equals(cluster.dedicatedMasterEnabled()) ? orZero(cluster.dedicatedMasterCount()) : 0,
                Boolean.TRUE.equals(cluster.warmEnabled()) ? orZero(cluster.warmCount()) : 0,
                status.vpcOptions() != null && status.vpcOptions().vpcId() != null,
                status.encryptionAtRestOptions() != null && Boolean.TRUE.equals(status.encryptionAtRestOptions().enabled()),
                enabled(status, LogType.INDEX_SLOW_LOGS) || enabled(status, LogType.SEARCH_SLOW_LOGS),
                ebs ? status.ebsOptions().volumeSize() : null,
                ebs ? status.ebsOptions().volumeTypeAsString() : null,
                ebs ? status.ebsOptions().iops() : null,
                ebs ? null : InstanceStorage.gb(cluster.instanceTypeAsString()),
                status.snapshotOptions() != null ? status.snapshotOptions().automatedSnapshotStartHour() : null);
    }

    /**
     * The seed checker's informational lines, worded as it printed them: the automated snapshot hour, the storage,
     * and the free storage the profile wants ({@code desiredFree}, MiB, per node: on one node the seed's figure).
     */
    List<String> info(Double desiredFree) {
        List<String> info = new ArrayList<>();
        if (snapshotHour != null) {
            info.add("Automated snapshot hour (UTC): " + snapshotHour);
        }
        if (ebsVolumeGiB != null) {
            info.add("EBS enabled: True type: " + ebsVolumeType + " size (GB): " + ebsVolumeGiB + " "
                    + (ebsIops != null ? ebsIops + " Iops" : "No Iops") + " " + (long) dataNodes * ebsVolumeGiB * 1024 + " total storage (MB)");
        } else if (instanceStoreGb != null && desiredFree != null) {
            info.add("Instance storage definition is: " + instanceStoreGb + " GB; free storage calced to: " + Numbers.asFloat(desiredFree) + " MB");
        }
        if (desiredFree != null) {
            info.add("Desired free storage set to (in MB): " + Numbers.asFloat(desiredFree));
        }
        return info;
    }

    /** Every node CloudWatch's {@code Nodes} metric counts: data, dedicated master and UltraWarm. */
    int allNodes() {
        return dataNodes + dedicatedMasters + warmNodes;
    }

    /** Departures from the OpenSearch Service operational best practices, in a fixed order. */
    List<String> warnings() {
        List<String> warnings = new ArrayList<>();
        if (!zoneAwareness) {
            warnings.add("no zone awareness: one Availability Zone failure takes the domain down");
        }
        // data nodes spread evenly over the zones, or shards and load are uneven (2 zones: an even count)
        int spread = zoneAwareness ? zones : 2;
        if (dataNodes % spread != 0) {
            warnings.add("data-node count " + dataNodes + " is not a multiple of " + spread
                    + (zoneAwareness ? " (its Availability Zones)" : ""));
        }
        if (dedicatedMasters == 0) {
            warnings.add("no dedicated master nodes");
        } else if (dedicatedMasters % 2 == 0) {
            warnings.add("even dedicated master count " + dedicatedMasters + ": a quorum needs an odd count (3)");
        }
        if (!inVpc) {
            warnings.add("not in a VPC: the endpoint is public");
        }
        if (!encryptedAtRest) {
            warnings.add("no encryption at rest");
        }
        if (!slowLogs) {
            warnings.add("slow logs off: neither index nor search slow logs are published");
        }
        if (ebsVolumeGiB == null && instanceStoreGb == null) {
            warnings.add("instance storage (no EBS): per-node storage unknown, FreeStorageSpace uses the profile's fixed threshold");
        } else if (ebsVolumeGiB == null) {
            warnings.add("EBS not in use: instance storage only");
        }
        return warnings;
    }

    private static boolean enabled(DomainStatus status, LogType type) {
        LogPublishingOption option = status.hasLogPublishingOptions() ? status.logPublishingOptions().get(type) : null;
        return option != null && Boolean.TRUE.equals(option.enabled());
    }

    private static int orZero(Integer value) {
        return value == null ? 0 : value;
    }
}
