package io.secpipe.ops.local;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.apache.commons.compress.archivers.zip.ZipArchiveEntry;
import org.apache.commons.compress.archivers.zip.ZipFile;

/**
 * The GeoLite2 City and ASN databases the OpenSearch distribution carries in its ingest-geoip module,
 * copied once into the stack's home so the Streams app places public addresses whichever engine runs.
 */
final class GeoDatabases {

    static final List<String> NAMES = List.of("GeoLite2-City.mmdb", "GeoLite2-ASN.mmdb");

    private GeoDatabases() {
    }

    /** The City and ASN database files, extracted if they are not there yet; empty when no OpenSearch zip is built. */
    static List<Path> ensure(StackSettings settings) throws IOException {
        Path dir = settings.home().resolve("geoip");
        List<Path> files = NAMES.stream().map(dir::resolve).toList();
        if (files.stream().allMatch(Files::isRegularFile)) {
            return files;
        }
        Path zip = openSearchZip(settings);
        if (zip == null) {
            return List.of();
        }
        Files.createDirectories(dir);
        List<Path> extracted = new ArrayList<>();
        try (ZipFile archive = ZipFile.builder().setPath(zip).get()) {
            for (ZipArchiveEntry entry : (Iterable<ZipArchiveEntry>) archive.getEntries()::asIterator) {
                String name = entry.getName();
                for (String wanted : NAMES) {
                    if (name.endsWith("/modules/ingest-geoip/" + wanted)) {
                        Path target = dir.resolve(wanted);
                        try (InputStream in = archive.getInputStream(entry)) {
                            Files.copy(in, target, StandardCopyOption.REPLACE_EXISTING);
                        }
                        extracted.add(target);
                    }
                }
            }
        }
        return extracted.size() == NAMES.size() ? files : List.of();
    }

    private static Path openSearchZip(StackSettings settings) throws IOException {
        Path engines = settings.root().resolve("ops/target/engines");
        if (!Files.isDirectory(engines)) {
            return null;
        }
        try (Stream<Path> list = Files.list(engines)) {
            return list.filter(p -> p.getFileName().toString().startsWith("opensearch-") && p.toString().endsWith(".zip"))
                    .findFirst().orElse(null);
        }
    }
}
