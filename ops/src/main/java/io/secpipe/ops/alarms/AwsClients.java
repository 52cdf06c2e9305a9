package io.secpipe.ops.alarms;

import software.amazon.awssdk.awscore.client.builder.AwsClientBuilder;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.cloudwatch.CloudWatchClient;
import software.amazon.awssdk.services.opensearch.OpenSearchClient;

/**
 * The two SDK clients, with credentials and region from the SDK's default chains. A named profile steers both
 * chains (credentials and region of that profile); nothing here reads or prints a credential.
 */
record AwsClients(OpenSearchClient openSearch, CloudWatchClient cloudWatch) implements AutoCloseable {

    static AwsClients create(String region, String profile) {
        return new AwsClients(configure(OpenSearchClient.builder(), region, profile).httpClientBuilder(ApacheHttpClient.builder()).build(),
                configure(CloudWatchClient.builder(), region, profile).httpClientBuilder(ApacheHttpClient.builder()).build());
    }

    private static <B extends AwsClientBuilder<B, ?>> B configure(B builder, String region, String profile) {
        if (region != null) {
            builder.region(Region.of(region));
        }
        if (profile != null) {
            builder.overrideConfiguration(o -> o.defaultProfileName(profile));
        }
        return builder;
    }

    @Override
    public void close() {
        openSearch.close();
        cloudWatch.close();
    }
}
