package io.secpipe.ops.alarms;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintStream;
import java.util.List;
import java.util.Locale;

/** Prints a check or an apply, for people (default) or as JSON. */
final class AlarmReport {

    private static final ObjectMapper JSON = new ObjectMapper();

    private AlarmReport() {
    }

    static void text(PrintStream out, AlarmProfile profile, List<AlarmCheck.DomainReport> reports) {
        if (reports.isEmpty()) {
            out.println("no domains found");
            return;
        }
        int[] counts = new int[Verdict.Status.values().length];
        for (AlarmCheck.DomainReport r : reports) {
            Domain d = r.domain();
            out.printf("%s  %s, %d x %s, account %s, profile %s%n", d.name(), d.engineVersion(), d.dataNodes(), d.instanceType(),
                    d.accountId(), profile.name());
            r.info().forEach(i -> out.println("  info        " + i));
            r.warnings().forEach(w -> out.println("  warn        " + w));
            for (Verdict v : r.verdicts()) {
                counts[v.status().ordinal()]++;
                String detail = switch (v.status()) {
                    case OK -> v.existing().alarmName();
                    case MISSING -> "want " + v.expected().describe();
                    case MISMATCHED -> v.existing().alarmName() + ": " + String.join("; ", v.differences().stream().map(Object::toString).toList());
                };
                out.printf("  %-11s %-30s %s%n", status(v), v.expected().metric(), detail);
            }
        }
        out.printf("%d domain(s): %d ok, %d missing, %d mismatched%n", reports.size(), counts[0], counts[1], counts[2]);
    }

    static void json(PrintStream out, AlarmProfile profile, List<AlarmCheck.DomainReport> reports) {
        ObjectNode root = JSON.createObjectNode().put("profile", profile.name());
        ArrayNode domains = root.putArray("domains");
        for (AlarmCheck.DomainReport r : reports) {
            ObjectNode d = domains.addObject().put("domain", r.domain().name()).put("accountId", r.domain().accountId());
            ArrayNode info = d.putArray("info");
            r.info().forEach(info::add);
            ArrayNode warnings = d.putArray("warnings");
            r.warnings().forEach(warnings::add);
            ArrayNode alarms = d.putArray("alarms");
            for (Verdict v : r.verdicts()) {
                ObjectNode a = alarms.addObject().put("metric", v.expected().metric()).put("status", status(v));
                if (v.existing() != null) {
                    a.put("alarmName", v.existing().alarmName());
                }
                a.set("expected", expected(v.expected()));
                ArrayNode diffs = a.putArray("differences");
                v.differences().forEach(x -> diffs.addObject().put("attribute", x.attribute()).put("want", x.want()).put("have", x.have()));
            }
        }
        out.println(root.toPrettyString());
    }

    /** Before an apply's changes: each domain's informational lines, as the seed's creator printed them. */
    static void info(PrintStream out, List<AlarmCheck.DomainReport> reports) {
        reports.forEach(r -> r.info().forEach(i -> out.println(r.domain().name() + "  " + i)));
    }

    static void changesJson(PrintStream out, List<AlarmApply.Change> changes, boolean dryRun) {
        ObjectNode root = JSON.createObjectNode().put("dryRun", dryRun);
        ArrayNode list = root.putArray("changes");
        for (AlarmApply.Change c : changes) {
            list.addObject().put("action", c.action()).put("domain", c.domain().name()).put("metric", c.verdict().expected().metric())
                    .put("alarmName", c.request().alarmName()).set("expected", expected(c.verdict().expected()));
        }
        out.println(root.toPrettyString());
    }

    /** "create secpipe-logs-ClusterStatus.red: Maximum >= 1 for 1 x 60 s (missing)", "would " first in a dry run. */
    static void change(PrintStream out, AlarmApply.Change c, boolean dryRun) {
        String why = c.verdict().status() == Verdict.Status.MISSING ? "missing"
                : String.join("; ", c.verdict().differences().stream().map(Object::toString).toList());
        out.printf("%s%s %s: %s (%s)%n", dryRun ? "would " : "", c.action(), c.request().alarmName(), c.verdict().expected().describe(), why);
    }

    static void changesDone(PrintStream out, int count, boolean dryRun) {
        out.println(count == 0 ? "nothing to change" : (dryRun ? "would put " : "put ") + count + " alarm(s)");
    }

    private static ObjectNode expected(ExpectedAlarm e) {
        return JSON.createObjectNode().put("statistic", e.statistic()).put("period", e.period())
                .put("evaluationPeriods", e.evaluationPeriods()).put("comparison", e.comparison()).put("threshold", e.threshold());
    }

    private static String status(Verdict v) {
        return v.status().name().toLowerCase(Locale.ROOT);
    }
}
