package io.secpipe.ops.local;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.PrintStream;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Stream;

/**
 * Starts the stack if needed, replays the samples, and prints what a newcomer wants to see against what the
 * samples were generated with (each folder's generate.py wrote its expected.properties): flow-log documents per
 * daily index, dead letters, top talkers, ACCEPT against REJECT (samples/vpcflow); sensor readings scored by the
 * Random Cut Forest, the injected spikes it flagged and its false alarms (samples/sensor); clickstream minutes
 * joined with the users CSV (samples/clicks); OSSEC alerts of two instances through a CloudWatch Logs subscription
 * (samples/ossec), found per instance by {@code @log_stream} as the seed's HIDS queries find them.
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
        boolean sensor = sensor();
        boolean clicks = clicks();
        boolean hids = hids();
        out.println();
        out.println("Demo: flow logs " + verdict(matches) + ", sensor anomalies " + verdict(sensor) + ", clickstream minutes " + verdict(clicks)
                + ", HIDS alerts " + verdict(hids));
        return matches && sensor && clicks && hids;
    }

    private static String verdict(boolean ok) {
        return ok ? "MATCH" : "MISMATCH";
    }

    private static Properties load(Path file) throws IOException {
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(file)) {
            p.load(r);
        }
        return p;
    }

    /**
     * samples/sensor through the anomaly scorer: one document per reading in secpipe-anomalies-*, and the injected
     * spikes flagged. The readings go under a series id of this run's own: an earlier run's forest has already
     * seen their times, and would refuse them as out of order.
     */
    private boolean sensor() throws IOException, InterruptedException, StackException {
        Path samples = settings.root().resolve("samples/sensor");
        Properties expected = load(samples.resolve("expected.properties"));
        long readings = Long.parseLong(expected.getProperty("readings"));
        Set<String> injected = new TreeSet<>(List.of(expected.getProperty("injected").split(",")));
        String series = "demo-" + Instant.now().getEpochSecond();
        Path copy = settings.home().resolve("demo").resolve(series + ".jsonl");
        Files.createDirectories(copy.getParent());
        List<String> lines = new ArrayList<>();
        for (String line : Files.readAllLines(samples.resolve("readings.jsonl"))) {
            ObjectNode reading = (ObjectNode) Http.JSON.readTree(line);
            lines.add(reading.put("sensor_id", series).toString());
        }
        Files.write(copy, lines);
        out.println();
        out.println("Sensor readings (samples/sensor) as series " + series + ":");
        Replay.Result sent = new Replay(settings, out).run(Replay.Type.SENSOR, List.of(copy), Duration.ofMinutes(3));

        ObjectNode ofSeries = Http.JSON.createObjectNode();
        var filter = ofSeries.putObject("bool").putArray("filter");
        filter.addObject().putObject("term").put("detector", "sensor");
        filter.addObject().putObject("term").put("key", series);
        long scored = waitForCount("secpipe-anomalies-*", ofSeries, readings, Duration.ofMinutes(3));

        ObjectNode search = Http.JSON.createObjectNode();
        search.put("size", 1000);
        search.putArray("_source").add("@timestamp");
        ObjectNode flaggedQuery = ofSeries.deepCopy();
        ((com.fasterxml.jackson.databind.node.ArrayNode) flaggedQuery.path("bool").path("filter"))
                .addObject().putObject("term").put("anomaly", true);
        search.set("query", flaggedQuery);
        Set<String> flagged = new TreeSet<>();
        engine().send("POST", "/secpipe-anomalies-*/_search", search).orThrow("_search").body().path("hits").path("hits")
                .forEach(hit -> flagged.add(hit.path("_source").path("@timestamp").asText()));
        Set<String> found = new TreeSet<>(flagged);
        found.retainAll(injected);
        Set<String> falseAlarms = new TreeSet<>(flagged);
        falseAlarms.removeAll(injected);
        long normal = readings - injected.size();
        // the bar: at least 95 % of the spikes, at most 1 % false alarms
        boolean ok = sent.complete() && sent.indexed() == readings && scored == readings
                && found.size() >= 0.95 * injected.size() && falseAlarms.size() <= 0.01 * normal;
        out.printf("Sensor: %d readings scored into secpipe-anomalies-* (expected %d); %d of %d injected spikes flagged as "
                + "anomalies, %d false alarm(s) in %d normal readings: %s%n", scored, readings, found.size(), injected.size(),
                falseAlarms.size(), normal, verdict(ok));
        return ok;
    }

    /**
     * samples/clicks: the users CSV into ref.users, then the events into raw.clicks; the windows the sample's stream
     * time closed must be in clicks-minute-* with the sums generate.py computed. A second run finds the same
     * documents: its events are late for windows that closed, counted and dropped.
     */
    private boolean clicks() throws IOException, InterruptedException, StackException {
        Path samples = settings.root().resolve("samples/clicks");
        Properties expected = load(samples.resolve("expected.properties"));
        out.println();
        out.println("Clickstream (samples/clicks):");
        Replay.Result users = new Replay(settings, out).run(Replay.Type.CSV, List.of(samples.resolve("users.csv")), Duration.ofMinutes(2));
        Replay.Result events = new Replay(settings, out).run(Replay.Type.CLICKS, List.of(samples.resolve("clicks.jsonl")), Duration.ofMinutes(3));
        String indexKey = expected.stringPropertyNames().stream().filter(k -> k.startsWith("index.")).findFirst().orElseThrow();
        String index = indexKey.substring("index.".length());
        long wantedDocs = Long.parseLong(expected.getProperty(indexKey));
        ObjectNode all = Http.JSON.createObjectNode();
        all.putObject("match_all");
        long docs = waitForCount(index, all, wantedDocs, Duration.ofMinutes(3));

        ObjectNode body = Http.JSON.createObjectNode();
        body.put("size", 0);
        ObjectNode aggs = body.putObject("aggs");
        aggs.putObject("impressions").putObject("sum").put("field", "impressions");
        aggs.putObject("clicks").putObject("sum").put("field", "clicks");
        ObjectNode unknown = aggs.putObject("unknown");
        unknown.putObject("filter").putObject("term").put("gender", "unknown");
        unknown.putObject("aggs").putObject("impressions").putObject("sum").put("field", "impressions");
        JsonNode a = engine().send("POST", "/" + index + "/_search", body).orThrow("_search").body().path("aggregations");
        long impressions = a.path("impressions").path("value").asLong();
        long clicks = a.path("clicks").path("value").asLong();
        long unknownImpressions = a.path("unknown").path("impressions").path("value").asLong();

        boolean ok = users.indexed() == Long.parseLong(expected.getProperty("users"))
                && users.deadLettered() == Long.parseLong(expected.getProperty("users.dead_letters"))
                && events.indexed() == Long.parseLong(expected.getProperty("events"))
                && events.deadLettered() == Long.parseLong(expected.getProperty("events.dead_letters"))
                && docs == wantedDocs
                && impressions == Long.parseLong(expected.getProperty("impressions"))
                && clicks == Long.parseLong(expected.getProperty("clicks"))
                && unknownImpressions == Long.parseLong(expected.getProperty("unknown.impressions"));
        out.printf("Clicks: %d users, %d events sent; %s holds %d closed minute(s) x gender x segment x article (expected %d), "
                        + "%d impressions (expected %s, %d of them by unknown users, expected %s), %d clicks (expected %s); "
                        + "windows %s closed, later ones stay open until later events: %s%n",
                users.indexed(), events.indexed(), index, docs, wantedDocs, impressions, expected.getProperty("impressions"),
                unknownImpressions, expected.getProperty("unknown.impressions"), clicks, expected.getProperty("clicks"),
                expected.getProperty("closed.windows"), verdict(ok));
        return ok;
    }

    /**
     * samples/ossec: OSSEC alerts of two instances as a CloudWatch Logs subscription delivers them. Each alert must be
     * a document carrying the seed's {@code @log_group}, {@code @log_stream} (the instance), {@code @owner} and
     * {@code @message}; the documents per instance and the seed's own query must find what generate.py wrote, and the
     * cut-off line must be the Streams app's one dead letter.
     */
    private boolean hids() throws IOException, InterruptedException, StackException {
        Path samples = settings.root().resolve("samples/ossec");
        Properties expected = load(samples.resolve("expected.properties"));
        List<Path> files;
        try (Stream<Path> list = Files.list(samples)) {
            files = list.filter(f -> f.toString().endsWith(".json.gz")).sorted().toList();
        }
        out.println();
        out.println("HIDS alerts (samples/ossec) through a CloudWatch Logs subscription:");
        Replay.Result result = new Replay(settings, out).run(Replay.Type.OSSEC_CWL, files, Duration.ofMinutes(3));
        String indexKey = expected.stringPropertyNames().stream().filter(k -> k.startsWith("index.")).findFirst().orElseThrow();
        String index = indexKey.substring("index.".length());
        long wantedDocs = Long.parseLong(expected.getProperty(indexKey));
        Map<String, Long> wantedStreams = new TreeMap<>();
        expected.stringPropertyNames().stream().filter(k -> k.startsWith("log_stream."))
                .forEach(k -> wantedStreams.put(k.substring("log_stream.".length()), Long.parseLong(expected.getProperty(k))));

        ObjectNode ofGroup = Http.JSON.createObjectNode();
        ofGroup.putObject("term").put("@log_group", expected.getProperty("log_group"));
        long docs = waitForCount(index, ofGroup, wantedDocs, Duration.ofMinutes(1));
        ObjectNode body = Http.JSON.createObjectNode();
        body.put("size", 0);
        body.set("query", ofGroup);
        ObjectNode aggs = body.putObject("aggs");
        aggs.putObject("streams").putObject("terms").put("field", "@log_stream").put("size", 100);
        aggs.putObject("owner").putObject("filter").putObject("term").put("@owner", expected.getProperty("owner"));
        aggs.putObject("message").putObject("filter").putObject("exists").put("field", "@message");
        JsonNode a = engine().send("POST", "/" + index + "/_search", body).orThrow("_search").body().path("aggregations");
        Map<String, Long> streams = new TreeMap<>();
        a.path("streams").path("buckets").forEach(b -> streams.put(b.path("key").asText(), b.path("doc_count").asLong()));
        long withOwner = a.path("owner").path("doc_count").asLong();
        long withMessage = a.path("message").path("doc_count").asLong();

        ObjectNode seedQuery = Http.JSON.createObjectNode();
        seedQuery.putObject("query_string").put("query", expected.getProperty("seed.query"));
        ObjectNode count = Http.JSON.createObjectNode();
        count.set("query", seedQuery);
        long seedHits = engine().send("POST", "/" + index + "/_count", count).orThrow("_count").body().path("count").asLong();

        long wantedDead = Long.parseLong(expected.getProperty("dead_letters"));
        long wantedStreamsDead = Long.parseLong(expected.getProperty("dead_letters.dlq.ossec"));
        boolean ok = result.complete() && result.indexed() == wantedDocs && docs == wantedDocs && streams.equals(wantedStreams)
                && withOwner == wantedDocs && withMessage == wantedDocs
                && seedHits == Long.parseLong(expected.getProperty("seed.query.hits"))
                && result.deadLettered() == wantedDead && result.deadLetters().getOrDefault("dlq.ossec", 0L) == wantedStreamsDead;
        out.printf("HIDS: %s holds %d alert(s) of log group %s (expected %d), per @log_stream %s (expected %s), %d with @owner %s "
                        + "and %d with @message; the seed's query %s finds %d (expected %s); %d dead letter(s), %d in dlq.ossec "
                        + "(expected %d, %d): %s%n",
                index, docs, expected.getProperty("log_group"), wantedDocs, streams, wantedStreams, withOwner, expected.getProperty("owner"),
                withMessage, expected.getProperty("seed.query"), seedHits, expected.getProperty("seed.query.hits"),
                result.deadLettered(), result.deadLetters().getOrDefault("dlq.ossec", 0L), wantedDead, wantedStreamsDead, verdict(ok));
        return ok;
    }

    /** Polls the count of {@code query} in {@code target} until it reaches {@code wanted} or the time is up. */
    private long waitForCount(String target, JsonNode query, long wanted, Duration timeout) throws IOException, InterruptedException {
        Instant deadline = Instant.now().plus(timeout);
        ObjectNode body = Http.JSON.createObjectNode();
        body.set("query", query);
        long count = 0;
        while (true) {
            Http.Answer answer = engine().send("POST", "/" + target + "/_count", body);
            // 404: the daily index does not exist yet; 503: its shard is being allocated
            if (answer.status() == 200) {
                count = answer.body().path("count").asLong();
            }
            if (count >= wanted || Instant.now().isAfter(deadline)) {
                return count;
            }
            Thread.sleep(1000);
        }
    }

    private Http engine() {
        return new Http(settings.engineUrl());
    }

    private boolean compareWithExpected(Path file, Replay.Result result) throws IOException {
        Properties expected = load(file);
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
        Http engine = engine();
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
