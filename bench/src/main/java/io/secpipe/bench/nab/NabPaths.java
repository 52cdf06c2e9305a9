package io.secpipe.bench.nab;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Where the NAB data is by default: {@code $SECPIPE_NAB_DIR}, else the repository's own subset ({@code bench/nab}),
 * else {@code shared/nab} beside the checkout (the workplace's full copy, with every per-row results column).
 */
public final class NabPaths {

    /** Where the NAB directory is when it is not beside the checkout. */
    public static final String DIR_ENV = "SECPIPE_NAB_DIR";

    /** Set by bin/secpipe. */
    public static final String ROOT_PROPERTY = "secpipe.root";

    /** The subset kept in the repository, relative to its root (see bench/nab/README.md). */
    public static final String IN_REPO = "bench/nab";

    private NabPaths() {
    }

    public static Path defaultDir() {
        return defaultDir(System.getenv(DIR_ENV), repoRoot());
    }

    /** {@code env} if set, else {@code <root>/bench/nab} if it holds data/, else {@link #sharedDir(Path)}. */
    static Path defaultDir(String env, Path root) {
        if (env != null && !env.isBlank()) {
            return Path.of(env).toAbsolutePath().normalize();
        }
        Path inRepo = root.resolve(IN_REPO);
        if (Files.isDirectory(inRepo.resolve("data"))) {
            return inRepo;
        }
        return sharedDir(root);
    }

    /**
     * {@code shared/nab} beside the repo root; failing that, beside one of its ancestors (a work tree of the
     * repository may sit a level deeper than the checkout the data was put beside). When none exists, the first.
     */
    static Path sharedDir(Path root) {
        for (Path dir = root.getParent(); dir != null; dir = dir.getParent()) {
            Path candidate = dir.resolve("shared").resolve("nab");
            if (Files.isDirectory(candidate)) {
                return candidate;
            }
        }
        return root.resolveSibling("shared").resolve("nab");
    }

    /** The system property {@code secpipe.root}, else the nearest directory up from here with pom.xml and bench/. */
    public static Path repoRoot() {
        String property = System.getProperty(ROOT_PROPERTY);
        if (property != null && !property.isBlank()) {
            return Path.of(property).toAbsolutePath().normalize();
        }
        Path start = Path.of("").toAbsolutePath().normalize();
        for (Path dir = start; dir != null; dir = dir.getParent()) {
            if (Files.isRegularFile(dir.resolve("pom.xml")) && Files.isDirectory(dir.resolve("bench"))) {
                return dir;
            }
        }
        throw new IllegalStateException("no secpipe repository (a directory with pom.xml and bench/) above " + start
                + "; set -D" + ROOT_PROPERTY + " or give the NAB directory");
    }
}
