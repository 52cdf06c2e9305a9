package io.secpipe.bench.nab;

import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/** The detectors the NAB harness runs, by name: the built-in ones, and {@code published:<name>} replays. */
public final class Detectors {

    public static final String PUBLISHED = "published:";

    private static final Map<String, Supplier<Detector>> BUILT_IN = new LinkedHashMap<>();

    static {
        // one line a detector; "rcf" is the default
        BUILT_IN.put("null", NullDetector::new);
        BUILT_IN.put("rcf", RcfDetector::new);
        BUILT_IN.put("rcf-tuning", () -> new RcfTuningDetector(System.getProperties()));
    }

    private Detectors() {
    }

    public static Map<String, Supplier<Detector>> builtIn() {
        return Collections.unmodifiableMap(BUILT_IN);
    }

    /** {@code rcf}, the Streams app's scorer. */
    public static String defaultName() {
        return "rcf";
    }

    /** A fresh detector per call; {@code nabDir} holds the published results {@code published:} replays. */
    public static Supplier<Detector> named(String name, Path nabDir) {
        if (name.startsWith(PUBLISHED)) {
            String detector = name.substring(PUBLISHED.length());
            List<PublishedSeries> published = PublishedSeries.load(nabDir, detector);
            return () -> new PublishedDetector(detector, published);
        }
        Supplier<Detector> detector = BUILT_IN.get(name);
        if (detector == null) {
            throw new IllegalArgumentException("no detector '" + name + "': the built-in ones are " + BUILT_IN.keySet()
                    + ", and " + PUBLISHED + "<name> replays results/<name>/ of the NAB directory");
        }
        return detector;
    }
}
