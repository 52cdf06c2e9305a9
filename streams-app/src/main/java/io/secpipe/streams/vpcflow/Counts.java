package io.secpipe.streams.vpcflow;

/** Flows, bytes and packets of one window and set of dimensions. */
record Counts(long flows, long bytes, long packets) {
}
