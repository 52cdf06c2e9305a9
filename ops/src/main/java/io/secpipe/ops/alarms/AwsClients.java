package io.secpipe.ops.alarms;

import java.util.function.Supplier;
import software.amazon.awssdk.awscore.client.builder.AwsClientBuilder;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.regions.providers.DefaultAwsRegionProviderChain;
import software.amazon.awssdk.services.cloudwatch.CloudWatchClient;
import software.amazon.awssdk.services.opensearch.OpenSearchClient;

/**
 * The two SDK clients, with credentials and region from the SDK's default chains (us-east-1, the seed's default,
 * when no region is found). A named profile steers both chains (credentials and region of that profile); nothing
 * here reads or prints a credential.
 */
record AwsClients(OpenSearchClient openSearch, CloudWatchClient cloudWatch) implements AutoCloseable {

    static AwsClients create(String region, String profile) {
        Region resolved = Region.of(region(region, () -> DefaultAwsRegionProviderChain.builder().profileName(profile).build().getRegion().id()));
        return new AwsClients(configure(OpenSearchClient.builder(), resolved, profile).httpClientBuilder(ApacheHttpClient.builder()).build(),
                configure(CloudWatchClient.builder(), resolved, profile).httpClientBuilder(ApacheHttpClient.builder()).build());
    }

    private static <B extends AwsClientBuilder<B, ?>> B configure(B builder, Region region, String profile) {
        builder.region(region);
        if (profile != null) {
            builder.overrideConfiguration(o -> o.defaultProfileName(profile));
        }
        return builder;
    }

    /** The seed's default region, taken when neither --region nor the SDK's chain (environment, profile) names one. */
    static final String DEFAULT_REGION = "us-east-1";

    /** {@code region} if given, else the chain's, else {@link #DEFAULT_REGION}. */
    static String region(String region, Supplier<String> chain) {
        if (region != null) {
            return region;
        }
        try {
            return chain.get();
        } catch (SdkClientException e) {
            return DEFAULT_REGION;
        }
    }

    @Override
    public void close() {
        openSearch.close();
        cloudWatch.close();
    }
}
