package io.secpipe.bench.nab;

/** NAB's baseline: never fires (a constant score, which no threshold can split into detections and misses). */
public final class NullDetector implements Detector {

    @Override
    public double score(long epochMillis, double value) {
        return 0.0;
    }
}
