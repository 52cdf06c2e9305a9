package io.secpipe.bench.nab;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The NAB directory for the harness's tests. The data is the workplace's (../shared/nab beside the checkout, or
 * $SECPIPE_NAB_DIR), not the repository's: a clone without it skips these tests, saying why, instead of failing.
 */
final class NabData {

    private NabData() {
    }

    static Path dir() {
        Path dir = NabPaths.defaultDir();
        assumeTrue(Files.isDirectory(dir.resolve("data")) && Files.isDirectory(dir.resolve("results")),
                "no NAB data at " + dir + " (put it at ../shared/nab beside the checkout or set " + NabPaths.DIR_ENV + ")");
        return dir;
    }
}
