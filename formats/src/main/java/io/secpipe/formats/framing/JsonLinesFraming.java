package io.secpipe.formats.framing;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.Map;

/**
 * One JSON object per line (OSSEC/Wazuh {@code alerts.json}). The value is the line untouched; the key comes
 * from {@code key.field} (none when unset). A line that is not exactly one JSON object is an error frame
 * carrying the raw line.
 */
public final class JsonLinesFraming extends LineFraming {

    private final KeyPaths keyPaths;

    public JsonLinesFraming(List<String> keyFields) {
        this.keyPaths = new KeyPaths(keyFields);
    }

    @Override
    FrameReader reader(Lines lines, InputStream in) {
        return new Reader(lines, in) {
            @Override
            Frame frame(long number, byte[] line) {
                try (JsonParser parser = Json.MAPPER.createParser(line)) {
                    JsonNode node = Json.MAPPER.readTree(parser);
                    if (node == null || !node.isObject()) {
                        return Frame.error(number, line, "not a JSON object");
                    }
                    if (parser.nextToken() != null) {
                        return Frame.error(number, line, "more than one JSON value on the line");
                    }
                    return Frame.record(number, line, keyPaths.keyOf(node), Map.of());
                } catch (JsonProcessingException | NumberFormatException e) {
                    // NumberFormatException: a decimal whose exponent BigDecimal cannot hold (179e3000000000)
                    return Frame.error(number, line, e);
                } catch (IOException e) {
                    throw new IllegalStateException("parsing bytes in memory", e);
                }
            }
        };
    }
}
