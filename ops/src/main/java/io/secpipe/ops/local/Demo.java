package io.secpipe.ops.local;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.PrintStream;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * Starts the stack if needed, replays the sample flow logs of samples/vpcflow, and prints what a
 * newcomer wants to see: documents per daily index against the counts the samples were generated
 * with, dead letters, top talkers, ACCEPT against REJECT.
 */
public final class Demo {

    private final StackSettings settings;
    private final PrintStream out;

    public Demo(StackSettings settings, PrintStream out) {
        this.settings = settings;
        this.out = out;
    }

    /** True when every count matches the sample data. */
    public boolean run() throws IOException, InterruptedException, StackException {
        LocalStack stack = new LocalStack(settings, out);
        if (!stack.anyRunning()) {
            stack.up();
        } else {
            out.println("Using the running stack in " + settings.home());
        }
        Path samples = settings.root().resolve("samples/vpcflow");
        List<Path> files;
        try (Stream<Path> list = Files.list(samples)) {
            files = list.filter(f -> f.toString().endsWith(".log") || f.toString().endsWith(".log.gz")).sorted().toList();
        }
        Replay.Result result = new Replay(settings, out).run(Replay.Type.VPCFLOW, files, Duration.ofMinutes(5));
        boolean matches = compareWithExpected(samples.resolve("expected.properties"), result);
        summary();
        return matches;
    }

    private boolean compareWithExpected(Path file, Replay.Result result) throws IOException {
        Properties expected = new Properties();
        try (Reader r = Files.newBufferedReader(file)) {
            expected.load(r);
        }
        Map<String, Long> wanted = new TreeMap<>();
        expected.stringPropertyNames().stream().filter(k -> k.startsWith("index."))
                .forEach(k -> wanted.put(k.substring("index.".length()), Long.parseLong(expected.getProperty(k))));
        long wantedDead = Long.parseLong(expected.getProperty("dead_letters"));
        boolean ok = wanted.equals(result.perIndex()) && wantedDead == result.deadLettered();
        out.println();
        out.println("Sample data (" + file.getParent().getFileName() + "): expected " + wanted + " and " + wantedDead
                + " dead letter(s); indexed " + result.perIndex() + " and " + result.deadLettered() + " dead letter(s): "
                + (ok ? "MATCH" : "MISMATCH"));
        return ok;
    }

    private void summary() throws IOException, InterruptedException {
        Http engine = new Http(settings.engineUrl());
        ObjectNode body = Http.JSON.createObjectNode();
        body.put("size", 0);
        body.put("track_total_hits", true);
        ObjectNode aggs = body.putObject("aggs");
        ObjectNode talkers = aggs.putObject("talkers");
        talkers.putObject("terms").put("field", "srcaddr").put("size", 5).putObject("order").put("bytes", "desc");
        talkers.putObject("aggs").putObject("bytes").putObject("sum").put("field", "bytes");
        aggs.putObject("actions").putObject("terms").put("field", "action");
        aggs.putObject("status").putObject("terms").put("field", "log_status");
        JsonNode answer = engine.send("POST", "/" + Replay.Type.VPCFLOW.indexPattern + "/_search", body).orThrow("_search").body();
        JsonNode a = answer.path("aggregations");
        out.println("Flow documents in cwl-vpcflow-YYYY.MM.DD now: " + answer.path("hits").path("total").path("value").asLong());
        out.println("  top talkers by bytes sent:");
        a.path("talkers").path("buckets").forEach(b -> out.printf("    %-40s %,14d bytes %,8d flows%n",
                b.path("key").asText(), b.path("bytes").path("value").asLong(), b.path("doc_count").asLong()));
        out.print("  actions:");
        a.path("actions").path("buckets").forEach(b -> out.print("  " + b.path("key").asText() + " " + b.path("doc_count").asLong()));
        out.println();
        out.print("  log status:");
        a.path("status").path("buckets").forEach(b -> out.print("  " + b.path("key").asText() + " " + b.path("doc_count").asLong()));
        out.println();
    }
}
