package io.secpipe.ops.images;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorInputStream;

/**
 * An image tar as {@code docker load} reads it (what Jib's TarImage writes): manifest.json naming the config
 * JSON and the layer tars in order. Each layer is read into its files (path without the leading slash → bytes).
 */
record ImageTar(List<String> repoTags, JsonNode config, List<Map<String, byte[]>> layers) {

    private static final ObjectMapper JSON = new ObjectMapper();

    static ImageTar read(Path tar) throws IOException {
        Map<String, byte[]> entries = new HashMap<>();
        try (TarArchiveInputStream in = new TarArchiveInputStream(Files.newInputStream(tar))) {
            for (TarArchiveEntry e = in.getNextEntry(); e != null; e = in.getNextEntry()) {
                if (e.isFile()) {
                    entries.put(e.getName(), in.readAllBytes());
                }
            }
        }
        JsonNode manifest = JSON.readTree(entries.get("manifest.json")).get(0);
        List<String> tags = new ArrayList<>();
        manifest.path("RepoTags").forEach(t -> tags.add(t.asText()));
        List<Map<String, byte[]>> layers = new ArrayList<>();
        for (JsonNode layer : manifest.path("Layers")) {
            layers.add(files(entries.get(layer.asText())));
        }
        return new ImageTar(tags, JSON.readTree(entries.get(manifest.path("Config").asText())), layers);
    }

    private static Map<String, byte[]> files(byte[] layer) throws IOException {
        Map<String, byte[]> files = new LinkedHashMap<>();
        InputStream raw = new ByteArrayInputStream(layer);
        // Jib gzips its layers; a base image's layers may be plain tars
        InputStream in = layer.length > 2 && (layer[0] & 0xff) == 0x1f && (layer[1] & 0xff) == 0x8b ? new GzipCompressorInputStream(raw) : raw;
        try (TarArchiveInputStream tar = new TarArchiveInputStream(in)) {
            for (TarArchiveEntry e = tar.getNextEntry(); e != null; e = tar.getNextEntry()) {
                if (e.isFile()) {
                    files.put(e.getName().replaceFirst("^/", ""), tar.readAllBytes());
                }
            }
        }
        return files;
    }

    /** The container configuration (Entrypoint, Cmd, Env, ExposedPorts, WorkingDir, Volumes, Labels). */
    JsonNode container() {
        return config.path("config");
    }

    List<String> strings(String field) {
        List<String> values = new ArrayList<>();
        container().path(field).forEach(v -> values.add(v.asText()));
        return values;
    }

    List<String> names(String field) {
        List<String> names = new ArrayList<>();
        container().path(field).fieldNames().forEachRemaining(names::add);
        return names;
    }
}
