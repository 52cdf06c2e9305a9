package io.secpipe.streams.ec2;

import java.net.URI;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.Ec2ClientBuilder;
import software.amazon.awssdk.services.ec2.model.AttributeBooleanValue;

/**
 * Terminates through the EC2 API: first clears termination protection (ModifyInstanceAttribute
 * disableApiTermination=false, else TerminateInstances would be refused), then TerminateInstances.
 * One client per region, made when first needed.
 */
public final class SdkEc2Actuator implements Ec2Actuator, AutoCloseable {

    private final URI endpoint;
    private final AwsCredentialsProvider credentials;
    private final Map<String, Ec2Client> clients = new ConcurrentHashMap<>();

    /** {@code endpoint} null: AWS's regional endpoint; else that one (a VPC endpoint, a fake in tests). */
    public SdkEc2Actuator(URI endpoint, AwsCredentialsProvider credentials) {
        this.endpoint = endpoint;
        this.credentials = credentials != null ? credentials : DefaultCredentialsProvider.builder().build();
    }

    @Override
    public void terminate(String region, String instanceId) throws Ec2CallException {
        Ec2Client ec2 = clients.computeIfAbsent(region, this::client);
        String step = "ModifyInstanceAttribute";
        try {
            ec2.modifyInstanceAttribute(r -> r.instanceId(instanceId)
                    .disableApiTermination(AttributeBooleanValue.builder().value(false).build()));
            step = "TerminateInstances";
            ec2.terminateInstances(r -> r.instanceIds(instanceId));
        } catch (AwsServiceException e) {
            // The report names the call and AWS's error code: what an operator needs to fix permissions or protection.
            String code = e.awsErrorDetails() != null ? e.awsErrorDetails().errorCode() : null;
            String message = e.awsErrorDetails() != null ? e.awsErrorDetails().errorMessage() : e.getMessage();
            throw new Ec2CallException(step + " " + code + ": " + message, e);
        } catch (SdkException e) {
            throw new Ec2CallException(step + ": " + e.getMessage(), e);
        }
    }

    /** A failed EC2 call, its message naming the call and the error code. */
    public static final class Ec2CallException extends Exception {
        Ec2CallException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    private Ec2Client client(String region) {
        Ec2ClientBuilder builder = Ec2Client.builder()
                .region(Region.of(region))
                .credentialsProvider(credentials)
                .httpClientBuilder(ApacheHttpClient.builder());
        if (endpoint != null) {
            builder.endpointOverride(endpoint);
        }
        return builder.build();
    }

    @Override
    public void close() {
        clients.values().forEach(Ec2Client::close);
        clients.clear();
    }
}
