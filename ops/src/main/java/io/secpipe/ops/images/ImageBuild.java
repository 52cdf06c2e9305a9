package io.secpipe.ops.images;

import com.google.cloud.tools.jib.api.Containerizer;
import com.google.cloud.tools.jib.api.ImageReference;
import com.google.cloud.tools.jib.api.InvalidImageReferenceException;
import com.google.cloud.tools.jib.api.Jib;
import com.google.cloud.tools.jib.api.JibContainer;
import com.google.cloud.tools.jib.api.JibContainerBuilder;
import com.google.cloud.tools.jib.api.LogEvent;
import com.google.cloud.tools.jib.api.RegistryImage;
import com.google.cloud.tools.jib.api.TarImage;
import com.google.cloud.tools.jib.frontend.CredentialRetrieverFactory;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.function.Consumer;

/**
 * Builds one of secpipe's images with Jib (no Docker daemon): on a base from a registry, from a tar of
 * {@code docker save}, or from scratch; into a tar for {@code docker load} or pushed to a registry. Registry
 * credentials come from the Docker configuration and credential helpers, never from arguments.
 */
public final class ImageBuild {

    private static final String TAR = "tar:";

    private final Path root;
    private final String version;
    private final PrintStream out;

    public ImageBuild(Path root, String version, PrintStream out) {
        this.root = root;
        this.version = version;
        this.out = out;
    }

    /**
     * @param base {@code scratch}, {@code tar:FILE} or an image reference (null: the image's default base)
     * @param to {@code tar:FILE} (the tar names the image secpipe/ID:VERSION) or an image reference to push to
     */
    public JibContainer build(SecpipeImage image, String base, String to) throws Exception {
        JibContainerBuilder builder = from(base == null ? image.defaultBase() : base);
        image.configure(builder, root, version);
        image.label(builder, version);
        Containerizer containerizer = to.startsWith(TAR)
                ? Containerizer.to(TarImage.at(Path.of(to.substring(TAR.length())).toAbsolutePath()).named(image.reference(version)))
                : Containerizer.to(withCredentials(RegistryImage.named(to), ImageReference.parse(to)));
        containerizer.setToolName("secpipe").addEventHandler(LogEvent.class, log());
        JibContainer container = builder.containerize(containerizer);
        out.println("secpipe-" + image.id() + " built on " + (base == null ? image.defaultBase() : base) + " into " + to
                + " (" + container.getDigest() + ")");
        return container;
    }

    private JibContainerBuilder from(String base) throws InvalidImageReferenceException {
        if (base.equals("scratch")) {
            return Jib.fromScratch();
        }
        if (base.startsWith(TAR)) {
            return Jib.from(TarImage.at(Path.of(base.substring(TAR.length())).toAbsolutePath()));
        }
        return Jib.from(withCredentials(RegistryImage.named(base), ImageReference.parse(base)));
    }

    private RegistryImage withCredentials(RegistryImage image, ImageReference reference) {
        CredentialRetrieverFactory credentials = CredentialRetrieverFactory.forImage(reference, log());
        return image.addCredentialRetriever(credentials.dockerConfig())
                .addCredentialRetriever(credentials.wellKnownCredentialHelpers());
    }

    /** Jib's warnings and errors; its progress lines would drown them. */
    private Consumer<LogEvent> log() {
        return event -> {
            if (event.getLevel() == LogEvent.Level.ERROR || event.getLevel() == LogEvent.Level.WARN) {
                out.println("  jib: " + event.getMessage());
            }
        };
    }
}
