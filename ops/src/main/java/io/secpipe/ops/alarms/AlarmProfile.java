package io.secpipe.ops.alarms;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

/**
 * A set of recommended alarms, read from {@code <name>.json} next to this class: which metrics, with which
 * statistic, period, evaluation periods, comparison and threshold, and on which kinds of domain.
 */
public record AlarmProfile(String name, String source, List<Rule> rules) {

    public static final List<String> NAMES = List.of("aws-recommended", "seed-2018");

    /** One alarm of the profile; {@code when} names the domain feature it needs, or is null. */
    record Rule(String metric, String statistic, int period, int evaluationPeriods, String comparison, Threshold threshold,
                String when) {

        boolean appliesTo(Domain domain) {
            return when == null || switch (when) {
                case "dedicatedMasters" -> domain.dedicatedMasters() > 0;
                case "encryptedAtRest" -> domain.encryptedAtRest();
                case "warm" -> domain.warmNodes() > 0;
                default -> throw new IllegalArgumentException("unknown condition " + when);
            };
        }
    }

    public static AlarmProfile load(String name) {
        if (!NAMES.contains(name)) {
            throw new IllegalArgumentException("alarm profile " + name + " is not known; known: " + NAMES);
        }
        try (InputStream in = AlarmProfile.class.getResourceAsStream(name + ".json")) {
            JsonNode json = new ObjectMapper().readTree(in);
            List<Rule> rules = new ArrayList<>();
            for (JsonNode a : json.get("alarms")) {
                rules.add(new Rule(a.get("metric").asText(), a.get("statistic").asText(), a.get("period").asInt(),
                        a.get("evaluationPeriods").asInt(), a.get("comparison").asText(), Threshold.parse(a.get("threshold")),
                        a.hasNonNull("when") ? a.get("when").asText() : null));
            }
            return new AlarmProfile(json.get("profile").asText(), json.get("source").asText(), List.copyOf(rules));
        } catch (IOException e) {
            throw new UncheckedIOException("alarm profile " + name, e);
        }
    }

    /** This profile with {@code free} MiB as the FreeStorageSpace threshold of nodes whose storage is not known. */
    public AlarmProfile withFree(double free) {
        return new AlarmProfile(name, source, rules.stream().map(r -> r.threshold() instanceof Threshold.PercentOfNodeStorage p
                ? new Rule(r.metric(), r.statistic(), r.period(), r.evaluationPeriods(), r.comparison(), p.withFree(free), r.when())
                : r).toList());
    }

    /** The FreeStorageSpace threshold this profile wants on the domain (MiB), or null if it has no such alarm. */
    public Double desiredFreeStorage(Domain domain) {
        return rules.stream().filter(r -> r.metric().equals("FreeStorageSpace")).findFirst().map(r -> r.threshold().value(domain))
                .orElse(null);
    }

    /** The alarms this profile wants on the domain, in the profile's order. */
    public List<ExpectedAlarm> expectedFor(Domain domain) {
        return rules.stream().filter(r -> r.appliesTo(domain))
                .map(r -> new ExpectedAlarm(r.metric(), r.statistic(), r.period(), r.evaluationPeriods(), r.comparison(),
                        r.threshold().value(domain)))
                .toList();
    }
}
