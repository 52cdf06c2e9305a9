package io.secpipe.bench.nab;

import java.util.List;

/** A detector's NAB figures on a corpus: per profile, the swept threshold, the raw totals and the normalised score. */
public record NabResult(String detector, List<ProfileResult> profiles, List<List<FileScore>> files) {

    /** {@code files.get(p)} are the per-file scores under profile p at its swept threshold. */
    public NabResult {
        profiles = List.copyOf(profiles);
        files = List.copyOf(files);
    }

    public record ProfileResult(Profile profile, double threshold, double raw, double nullRaw, double perfectRaw) {

        public double normalized() {
            return Normalization.normalize(raw, nullRaw, perfectRaw);
        }
    }

    public ProfileResult profile(String name) {
        return profiles.stream().filter(p -> p.profile().name().equals(name)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no profile " + name));
    }
}
