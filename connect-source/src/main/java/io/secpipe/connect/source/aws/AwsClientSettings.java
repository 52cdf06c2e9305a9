package io.secpipe.connect.source.aws;

import java.net.URI;

import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigException;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.awscore.client.builder.AwsClientBuilder;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sts.StsClient;
import software.amazon.awssdk.services.sts.auth.StsAssumeRoleCredentialsProvider;

/**
 * How every AWS-reading connector reaches AWS: region, optional endpoint override (VPC endpoints,
 * LocalStack, test fakes) and an optional role to assume. Credentials always come from the SDK's
 * default provider chain (environment, profile, container or instance role), never from the config.
 */
public final class AwsClientSettings {

    public static final String REGION = "aws.region";
    public static final String ENDPOINT_OVERRIDE = "aws.endpoint.override";
    public static final String ROLE_ARN = "aws.role.arn";
    public static final String ROLE_SESSION_NAME = "aws.role.session.name";
    public static final String ROLE_EXTERNAL_ID = "aws.role.external.id";

    private static final String GROUP = "AWS";

    private final String region;
    private final String endpointOverride;
    private final String roleArn;
    private final String roleSessionName;
    private final String roleExternalId;

    private AwsClientSettings(AbstractConfig config) {
        this.region = config.getString(REGION);
        this.endpointOverride = config.getString(ENDPOINT_OVERRIDE);
        this.roleArn = config.getString(ROLE_ARN);
        this.roleSessionName = config.getString(ROLE_SESSION_NAME);
        this.roleExternalId = config.getString(ROLE_EXTERNAL_ID);
    }

    public static AwsClientSettings from(AbstractConfig config) {
        return new AwsClientSettings(config);
    }

    /** Adds the AWS keys to a connector's ConfigDef. */
    public static ConfigDef define(ConfigDef def) {
        return def
                .define(REGION, Type.STRING, null, Importance.HIGH,
                        "AWS region, e.g. eu-west-1. Empty: the SDK's default region provider chain (AWS_REGION, profile, instance metadata).",
                        GROUP, 1, ConfigDef.Width.SHORT, "Region")
                .define(ENDPOINT_OVERRIDE, Type.STRING, null, AwsClientSettings::validateUri, Importance.LOW,
                        "Endpoint URL instead of the public one (a VPC endpoint, a local fake).", GROUP, 2, ConfigDef.Width.LONG,
                        "Endpoint override")
                .define(ROLE_ARN, Type.STRING, null, Importance.MEDIUM,
                        "IAM role to assume through STS with the default credentials; empty: use those credentials directly.",
                        GROUP, 3, ConfigDef.Width.LONG, "Role ARN")
                .define(ROLE_SESSION_NAME, Type.STRING, "secpipe", Importance.LOW,
                        "Session name when assuming aws.role.arn.", GROUP, 4, ConfigDef.Width.SHORT, "Role session name")
                .define(ROLE_EXTERNAL_ID, Type.STRING, null, Importance.LOW,
                        "External id when assuming aws.role.arn, if the role's trust policy asks for one.", GROUP, 5,
                        ConfigDef.Width.SHORT, "Role external id");
    }

    /** Sets region, endpoint and credentials on any SDK v2 client builder. */
    public <B extends AwsClientBuilder<B, C>, C> B configure(B builder) {
        if (region != null && !region.isBlank()) {
            builder.region(Region.of(region));
        }
        if (endpointOverride != null && !endpointOverride.isBlank()) {
            builder.endpointOverride(URI.create(endpointOverride));
        }
        return builder.credentialsProvider(credentials());
    }

    private AwsCredentialsProvider credentials() {
        AwsCredentialsProvider base = DefaultCredentialsProvider.builder().build();
        if (roleArn == null || roleArn.isBlank()) {
            return base;
        }
        var sts = StsClient.builder().credentialsProvider(base);
        if (region != null && !region.isBlank()) {
            sts.region(Region.of(region));
        }
        return StsAssumeRoleCredentialsProvider.builder()
                .stsClient(sts.build())
                .refreshRequest(r -> {
                    r.roleArn(roleArn).roleSessionName(roleSessionName);
                    if (roleExternalId != null && !roleExternalId.isBlank()) {
                        r.externalId(roleExternalId);
                    }
                })
                .build();
    }

    private static void validateUri(String name, Object value) {
        if (value == null || value.toString().isBlank()) {
            return;
        }
        try {
            URI uri = URI.create(value.toString());
            if (uri.getScheme() == null || uri.getHost() == null) {
                throw new IllegalArgumentException();
            }
        } catch (IllegalArgumentException e) {
            throw new ConfigException(name, value, "not an absolute URL such as https://logs.eu-west-1.amazonaws.com");
        }
    }

}
