package io.secpipe.bench.nab;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The NAB directory for the harness's tests: the repository's subset (bench/nab) unless $SECPIPE_NAB_DIR says
 * otherwise. The per-row S(t) and label columns are only in NAB's full results (../shared/nab beside the checkout,
 * or $SECPIPE_NAB_DIR); the tests that need them skip, saying why, where those are absent.
 */
final class NabData {

    private NabData() {
    }

    static Path dir() {
        Path dir = NabPaths.defaultDir();
        assumeTrue(Files.isDirectory(dir.resolve("data")) && Files.isDirectory(dir.resolve("results")),
                "no NAB data at " + dir + " (the repository keeps it in " + NabPaths.IN_REPO + "; "
                        + NabPaths.DIR_ENV + " points elsewhere)");
        return dir;
    }

    /** A NAB directory whose per-row results carry every column NAB published, S(t) and label among them. */
    static Path fullResultsDir() {
        String env = System.getenv(NabPaths.DIR_ENV);
        Path dir = env != null && !env.isBlank() ? Path.of(env) : NabPaths.sharedDir(NabPaths.repoRoot());
        Path sample = dir.resolve("results/numenta/realKnownCause/numenta_nyc_taxi.csv");
        assumeTrue(Files.isRegularFile(sample) && NabCsv.read(sample).header().contains("S(t)_standard"),
                "no full NAB per-row results (with the S(t) columns) at " + dir + ": put NAB at ../shared/nab beside"
                        + " the checkout or set " + NabPaths.DIR_ENV);
        return dir;
    }
}
