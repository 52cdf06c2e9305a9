package io.secpipe.streams.clicks;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.PrintStream;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Random;
import java.util.stream.Stream;

/**
 * Clickstream events for the demo and the benchmark, shaped like the Kinesis Data Analytics example's: users
 * {@code u-1..u-N} reading articles {@code a-1..a-M}, a click after about one impression in ten, and a users
 * CSV ({@code user_id,gender,segment_id}) that leaves out every tenth user, who then counts as unknown. The same
 * seed gives the same events.
 */
public final class ClickGenerator {

    static final double CLICK_RATE = 0.1;
    private static final String[] GENDERS = {"f", "m", "x"};
    private static final int SEGMENTS = 5;

    private final Random random;
    private final int users;
    private final int articles;
    private final Instant start;
    private final Duration step;

    public ClickGenerator(long seed, int users, int articles, Instant start, Duration step) {
        this.random = new Random(seed);
        this.users = users;
        this.articles = articles;
        this.start = start;
        this.step = step;
    }

    /** {@code count} events, {@code step} apart from {@code start}, one JSON object each. */
    public Stream<String> events(long count) {
        return Stream.iterate(0L, i -> i < count, i -> i + 1).map(this::event);
    }

    private String event(long i) {
        ObjectNode e = ClickEvent.JSON.createObjectNode();
        // a few popular articles: the square of a uniform draw leans to the low ids
        double u = random.nextDouble();
        e.put("article_id", "a-" + (1 + (int) (u * u * articles)));
        e.put("user_id", "u-" + (1 + random.nextInt(users)));
        e.put("action", random.nextDouble() < CLICK_RATE ? "click" : "impression");
        e.put("timestamp", start.plus(step.multipliedBy(i)).toString());
        return e.toString();
    }

    /** The users CSV: a header, then every user but each tenth. */
    public void writeUsers(Writer out) throws IOException {
        out.write("user_id,gender,segment_id\n");
        for (int u = 1; u <= users; u++) {
            if (u % 10 != 0) {
                out.write("u-" + u + "," + GENDERS[u % GENDERS.length] + ",s-" + (1 + u % SEGMENTS) + "\n");
            }
        }
    }

    /** {@code DIR [events [seed]]}: writes DIR/users.csv and DIR/clicks.jsonl, events a second apart from now. */
    public static void main(String[] args) throws IOException {
        Path dir = Path.of(args.length > 0 ? args[0] : ".");
        long count = args.length > 1 ? Long.parseLong(args[1]) : 10_000;
        long seed = args.length > 2 ? Long.parseLong(args[2]) : 42;
        ClickGenerator generator = new ClickGenerator(seed, 1000, 50, Instant.now().truncatedTo(ChronoUnit.SECONDS),
                Duration.ofMillis(100));
        Files.createDirectories(dir);
        try (Writer users = Files.newBufferedWriter(dir.resolve("users.csv"))) {
            generator.writeUsers(users);
        }
        try (PrintStream clicks = new PrintStream(Files.newOutputStream(dir.resolve("clicks.jsonl")), false, "UTF-8")) {
            generator.events(count).forEach(clicks::println);
        }
    }
}
