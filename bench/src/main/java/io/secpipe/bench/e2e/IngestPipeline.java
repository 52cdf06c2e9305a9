package io.secpipe.bench.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;

/**
 * The engine-side alternative to our Streams app: raw flow-log lines indexed as {@code {"message": line}}
 * through an ingest pipeline that does the parse and the geo lookup in the engine. What it does, processor
 * by processor: dissect the line into the AWS fields (snake_case, as our documents name them), convert the
 * numbers, set {@code @timestamp} from {@code start}, look up city and ASN of both addresses in the GeoLite2
 * databases the engine's ingest-geoip module carries (the same files our Streams app reads), drop the message.
 * What ours does and this does not: direction, protocol name, the interface's security groups and peer (those
 * need the ENI inventory, which an ingest pipeline cannot join).
 */
final class IngestPipeline {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final List<String> INTEGERS = List.of("srcport", "dstport", "protocol");
    private static final List<String> LONGS = List.of("packets", "bytes", "start", "end");

    private IngestPipeline() {
    }

    /** {@code version account-id ...} → {@code %{version} %{account_id} ...}: the format's fields in our document names. */
    static String dissectPattern(String format) {
        return List.of(format.trim().split("\\s+")).stream().map(f -> "%{" + f.replace('-', '_') + "}").collect(Collectors.joining(" "));
    }

    /** The body of {@code PUT _ingest/pipeline/<id>}. */
    static ObjectNode definition(String format) {
        ObjectNode pipeline = JSON.createObjectNode();
        pipeline.put("description", "secpipe bench e2e: VPC flow-log lines parsed and geo-located in the engine");
        ArrayNode processors = pipeline.putArray("processors");
        processors.addObject().putObject("dissect").put("field", "message").put("pattern", dissectPattern(format));
        INTEGERS.forEach(f -> processors.addObject().putObject("convert").put("field", f).put("type", "integer"));
        LONGS.forEach(f -> processors.addObject().putObject("convert").put("field", f).put("type", "long"));
        ObjectNode date = processors.addObject().putObject("date").put("field", "start").put("target_field", "@timestamp");
        date.putArray("formats").add("UNIX");
        for (String side : List.of("src", "dst")) {
            ObjectNode city = processors.addObject().putObject("geoip").put("field", side + "addr").put("target_field", side + "_geo")
                    .put("database_file", "GeoLite2-City.mmdb").put("ignore_missing", true);
            city.putArray("properties").add("country_iso_code").add("country_name").add("city_name").add("location");
            ObjectNode asn = processors.addObject().putObject("geoip").put("field", side + "addr").put("target_field", side + "_as")
                    .put("database_file", "GeoLite2-ASN.mmdb").put("ignore_missing", true);
            asn.putArray("properties").add("asn").add("organization_name");
        }
        processors.addObject().putObject("remove").put("field", "message");
        return pipeline;
    }

    /**
     * The body of {@code PUT <index>}: the settings and mappings of our flow-log index template, so that the
     * engine indexes the same fields the same way in both runs.
     */
    static ObjectNode index(Path flowTemplate) throws IOException {
        JsonNode template = JSON.readTree(flowTemplate.toFile()).path("template");
        ObjectNode body = JSON.createObjectNode();
        body.set("settings", template.path("settings").deepCopy());
        body.set("mappings", template.path("mappings").deepCopy());
        return body;
    }
}
