package io.secpipe.bench.nab;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The default NAB directory: the environment, else the repository's copy, else shared/nab beside the checkout. */
class NabPathsTest {

    @TempDir
    Path work;

    @Test
    void theRepositorysCopyWinsOverSharedNab() throws IOException {
        Path root = Files.createDirectories(work.resolve("clone"));
        Files.createDirectories(root.resolve("bench/nab/data"));
        Files.createDirectories(work.resolve("shared/nab/data"));
        assertThat(NabPaths.defaultDir(null, root)).isEqualTo(root.resolve("bench/nab"));
    }

    @Test
    void withoutSharedNabTheRepositorysCopyIsUsed() throws IOException {
        Path root = Files.createDirectories(work.resolve("clone"));
        Files.createDirectories(root.resolve("bench/nab/data"));
        assertThat(NabPaths.defaultDir("", root)).isEqualTo(root.resolve("bench/nab"));
    }

    @Test
    void theEnvironmentWinsOverBoth() throws IOException {
        Path root = Files.createDirectories(work.resolve("clone"));
        Files.createDirectories(root.resolve("bench/nab/data"));
        Path elsewhere = work.resolve("elsewhere");
        assertThat(NabPaths.defaultDir(elsewhere.toString(), root)).isEqualTo(elsewhere);
    }

    @Test
    void aCheckoutWithoutTheCopyFallsBackToSharedNab() throws IOException {
        Path root = Files.createDirectories(work.resolve("wt/clone"));
        Path shared = Files.createDirectories(work.resolve("shared/nab"));
        assertThat(NabPaths.defaultDir(null, root)).isEqualTo(shared);
    }

    @Test
    void theRealRepositoryResolvesToItsOwnCopy() {
        Path root = NabPaths.repoRoot();
        assertThat(NabPaths.defaultDir(null, root)).isEqualTo(root.resolve("bench/nab"));
    }
}
