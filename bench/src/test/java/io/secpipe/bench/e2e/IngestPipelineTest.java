package io.secpipe.bench.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class IngestPipelineTest {

    @Test
    void dissectPatternNamesTheFieldsAsOurDocumentsDo() {
        assertThat(IngestPipeline.dissectPattern(FlowLineGenerator.FORMAT)).isEqualTo(
                "%{version} %{account_id} %{interface_id} %{srcaddr} %{dstaddr} %{srcport} %{dstport} %{protocol} "
                        + "%{packets} %{bytes} %{start} %{end} %{action} %{log_status}");
    }

    @Test
    void pipelineParsesConvertsDatesLooksUpGeoAndDropsTheMessage() {
        ObjectNode pipeline = IngestPipeline.definition(FlowLineGenerator.FORMAT);
        List<String> steps = new ArrayList<>();
        for (JsonNode processor : pipeline.path("processors")) {
            String type = processor.fieldNames().next();
            JsonNode p = processor.path(type);
            steps.add(type + ":" + p.path("field").asText() + (p.has("database_file") ? ":" + p.path("database_file").asText() : ""));
        }
        assertThat(steps).containsExactly("dissect:message",
                "convert:srcport", "convert:dstport", "convert:protocol",
                "convert:packets", "convert:bytes", "convert:start", "convert:end",
                "date:start",
                "geoip:srcaddr:GeoLite2-City.mmdb", "geoip:srcaddr:GeoLite2-ASN.mmdb",
                "geoip:dstaddr:GeoLite2-City.mmdb", "geoip:dstaddr:GeoLite2-ASN.mmdb",
                "remove:message");
    }

    @Test
    void indexTakesTheFlowTemplatesSettingsAndMappings() throws Exception {
        Path template = Path.of(System.getProperty("user.dir")).resolveSibling("search/templates/vpcflow.json");
        ObjectNode index = IngestPipeline.index(template);
        assertThat(index.path("settings").path("index.refresh_interval").asText()).isEqualTo("1s");
        assertThat(index.path("mappings").path("properties").path("srcaddr").path("type").asText()).isEqualTo("ip");
        assertThat(index.path("mappings").path("properties").path("account_id").path("type").asText()).isEqualTo("keyword");
    }
}
