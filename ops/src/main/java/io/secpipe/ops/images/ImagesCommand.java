package io.secpipe.ops.images;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.jar.Attributes;
import java.util.jar.JarFile;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code bin/secpipe images build}: the Streams app's and the Connect worker's container images, with Jib. */
@Command(name = "images", mixinStandardHelpOptions = true, description = "Container images of the Streams app and the Connect worker.",
        subcommands = {ImagesCommand.Build.class})
public final class ImagesCommand {

    @Command(name = "build", mixinStandardHelpOptions = true,
            description = "Build images from the built project with Jib (no Docker daemon needed).")
    static final class Build implements Callable<Integer> {

        @Parameters(index = "0", paramLabel = "IMAGE", description = "streams or connect")
        String image;

        @Option(names = "--base", paramLabel = "IMAGE",
                description = "scratch, tar:FILE (from docker save) or an image (default: eclipse-temurin:17-jre for streams, "
                        + "apache/kafka of this Kafka version for connect)")
        String base;

        @Option(names = "--to", paramLabel = "TARGET",
                description = "tar:FILE (for docker load) or registry/repository:tag to push to "
                        + "(default: tar:target/images/secpipe-IMAGE-VERSION.tar)")
        String to;

        @Override
        public Integer call() {
            Path root = Path.of(System.getProperty("secpipe.root", ".")).toAbsolutePath().normalize();
            String version = version();
            try {
                SecpipeImage selected = SecpipeImage.of(image);
                String target = to != null ? to
                        : "tar:" + Files.createDirectories(root.resolve("target/images")).resolve("secpipe-" + image + "-" + version + ".tar");
                new ImageBuild(root, version, System.out).build(selected, base, target);
                return 0;
            } catch (IllegalArgumentException e) {
                System.err.println("secpipe: " + e.getMessage());
                return 1;
            } catch (Exception e) {
                System.err.println("secpipe: building the " + image + " image failed: " + e);
                return 1;
            }
        }

        /**
         * The project version the ops jar was built as ("dev" from a build tree), read from the jar's own manifest:
         * Package#getImplementationVersion is lost when a package's first class comes from elsewhere (a test directory).
         */
        static String version() {
            try {
                Path location = Path.of(ImagesCommand.class.getProtectionDomain().getCodeSource().getLocation().toURI());
                if (Files.isRegularFile(location)) {
                    try (JarFile jar = new JarFile(location.toFile())) {
                        String version = jar.getManifest() == null ? null
                                : jar.getManifest().getMainAttributes().getValue(Attributes.Name.IMPLEMENTATION_VERSION);
                        if (version != null) {
                            return version;
                        }
                    }
                }
            } catch (IOException | URISyntaxException e) {
                // no readable jar: a build tree
            }
            return "dev";
        }
    }
}
