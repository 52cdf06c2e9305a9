package io.secpipe.connect.source.s3;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The objects an SQS message announces, in each form S3 notifications take: the S3 event message
 * ({@code Records[].s3}, keys URL-encoded with '+' for spaces), the same wrapped in an SNS
 * notification, and the EventBridge "Object Created" event (keys not encoded). Test events and
 * anything but object creation announce nothing.
 */
final class S3EventNotifications {

    record ObjectRef(String bucket, String key) {
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    private S3EventNotifications() {
    }

    static List<ObjectRef> objects(String body) throws IOException {
        JsonNode message = JSON.readTree(body);
        if (message.path("Type").asText().equals("Notification") && message.has("Message")) {
            message = JSON.readTree(message.path("Message").asText()); // through SNS
        }
        List<ObjectRef> objects = new ArrayList<>();
        if (message.path("source").asText().equals("aws.s3")) {
            if (message.path("detail-type").asText().equals("Object Created")) {
                JsonNode detail = message.path("detail");
                objects.add(new ObjectRef(detail.path("bucket").path("name").asText(), detail.path("object").path("key").asText()));
            }
            return objects;
        }
        for (JsonNode record : message.path("Records")) {
            if (record.path("eventSource").asText().equals("aws:s3") && record.path("eventName").asText().startsWith("ObjectCreated:")) {
                JsonNode s3 = record.path("s3");
                String key = URLDecoder.decode(s3.path("object").path("key").asText(), StandardCharsets.UTF_8);
                objects.add(new ObjectRef(s3.path("bucket").path("name").asText(), key));
            }
        }
        return objects;
    }
}
