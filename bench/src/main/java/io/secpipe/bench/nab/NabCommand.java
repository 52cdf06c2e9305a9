package io.secpipe.bench.nab;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.concurrent.Callable;

@Command(name = "nab", mixinStandardHelpOptions = true,
        description = {"Run a detector over the Numenta Anomaly Benchmark data present (realAWSCloudwatch,"
                + " realKnownCause), sweep one threshold per profile as NAB does, print per-file scores and the"
                + " normalised ones: nab standard=NN.N reward_low_FP_rate=NN.N reward_low_FN_rate=NN.N"})
public final class NabCommand implements Callable<Integer> {

    @Option(names = "--detector", paramLabel = "NAME",
            description = "A built-in detector (null, rcf, rcf-tuning) or published:<name>, replaying"
                    + " results/<name>/ (e.g. published:numenta). Default: rcf.")
    String detector;

    @Option(names = "--data", paramLabel = "DIR",
            description = "The NAB directory (data/, labels/, config/, results/). Default: $SECPIPE_NAB_DIR, else"
                    + " the repository's bench/nab.")
    Path data;

    @Override
    public Integer call() {
        Path dir = data != null ? data : NabPaths.defaultDir();
        String name = detector != null ? detector : Detectors.defaultName();
        Corpus corpus = Corpus.load(dir);
        NabRunner.run(name, Detectors.named(name, dir), corpus, System.out);
        return 0;
    }
}
