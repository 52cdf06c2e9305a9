package io.secpipe.ops.alarms;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.function.BiFunction;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import software.amazon.awssdk.core.exception.SdkException;

/** {@code secpipe alarms check|apply}: the domains' CloudWatch alarms against a profile. */
@Command(name = "alarms", mixinStandardHelpOptions = true,
        description = "CloudWatch alarms of Amazon OpenSearch Service / Elasticsearch domains against a profile of recommended alarms.",
        subcommands = {AlarmsCommand.Check.class, AlarmsCommand.Apply.class})
public final class AlarmsCommand {

    /** Exit status when some alarm is missing or mismatched; 2 means the check itself failed. */
    static final int DIFFERS = 1;
    static final int FAILED = 2;

    static class Options {
        @Option(names = {"-e", "--prefix", "--esprefix"}, defaultValue = "",
                description = "Only domains whose name starts with this (the seed checker's -e).")
        String prefix;
        @Option(names = {"-c", "--cluster", "--domain"}, paramLabel = "DOMAIN",
                description = "Exactly this domain, not a prefix (the seed's -c). Not with --prefix.")
        String domain;
        @Option(names = {"-r", "--region"}, description = "AWS region (default: the SDK's region chain, or the profile's;"
                + " us-east-1, the seed's default, when neither names one).")
        String region;
        @Option(names = {"-p", "--profile"}, paramLabel = "NAME", description = "Named AWS profile for credentials and region.")
        String awsProfile;
        @Option(names = "--alarm-profile", defaultValue = "aws-recommended",
                description = "Recommended alarms to compare with: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}).",
                completionCandidates = ProfileNames.class)
        String alarmProfile;
        @Option(names = "--sns-topic", paramLabel = "ARN", description = "Topic every alarm must notify (unset: actions are not compared).")
        String snsTopic;
        @Option(names = {"-n", "--notify"}, paramLabel = "ACTIONS",
                description = "Alarm actions every alarm must have, as the seed took them (\"['arn:aws:sns:...', ...]\"),"
                        + " comma-separated, or repeated. Added to --sns-topic.")
        List<String> notify = new ArrayList<>();
        @Option(names = {"-f", "--free"}, paramLabel = "MB",
                description = "FreeStorageSpace threshold (MB) for nodes whose storage is not known (instance storage of an"
                        + " unlisted type); seed-2018 raises it to at least 2048, as the seed did.")
        Double free;
        @Option(names = "--json", description = "Print JSON instead of text.")
        boolean json;

        /** --sns-topic and every -n action, once each, in the order given. */
        List<String> actions() {
            Set<String> actions = new LinkedHashSet<>();
            if (snsTopic != null) {
                actions.add(snsTopic);
            }
            notify.forEach(n -> actions.addAll(parseActions(n)));
            return List.copyOf(actions);
        }
    }

    /** "['arn:a', 'arn:b']" (the seed's Python list), "[\"arn:a\"]" or "arn:a,arn:b": the ARNs. */
    static List<String> parseActions(String value) {
        String list = value.trim();
        if (list.startsWith("[") && list.endsWith("]")) {
            list = list.substring(1, list.length() - 1);
        }
        List<String> actions = new ArrayList<>();
        for (String item : list.split(",")) {
            String arn = item.trim().replaceAll("^['\"]|['\"]$", "").trim();
            if (!arn.isEmpty()) {
                actions.add(arn);
            }
        }
        return actions;
    }

    static final class ProfileNames implements Iterable<String> {
        @Override
        public java.util.Iterator<String> iterator() {
            return AlarmProfile.NAMES.iterator();
        }
    }

    /** Shared body: make the clients, run, and turn an AWS or input error into a message and exit status 2. */
    abstract static class Base implements Callable<Integer> {
        @Mixin
        Options options;
        final BiFunction<String, String, AwsClients> clients;
        final PrintStream out;

        Base(BiFunction<String, String, AwsClients> clients, PrintStream out) {
            this.clients = clients;
            this.out = out;
        }

        abstract int run(AwsClients aws, AlarmProfile profile);

        @Override
        public Integer call() {
            if (options.domain != null && !options.prefix.isEmpty()) {
                System.err.println("secpipe alarms: -c names one domain; --prefix selects several: give one of them");
                return FAILED;
            }
            try (AwsClients aws = clients.apply(options.region, options.awsProfile)) {
                AlarmProfile profile = AlarmProfile.load(options.alarmProfile);
                return run(aws, options.free != null ? profile.withFree(options.free) : profile);
            } catch (SdkException | IllegalArgumentException e) {
                System.err.println("secpipe alarms: " + e.getMessage());
                return FAILED;
            }
        }

        List<AlarmCheck.DomainReport> check(AwsClients aws, AlarmProfile profile) {
            List<AlarmCheck.DomainReport> reports = new AlarmCheck(aws.openSearch(), aws.cloudWatch())
                    .run(options.prefix, options.domain, profile, options.actions());
            if (options.domain != null && reports.isEmpty()) {
                throw new IllegalArgumentException("no domain " + options.domain + " in this account and region");
            }
            return reports;
        }
    }

    @Command(name = "check", mixinStandardHelpOptions = true,
            description = "Report each domain's configuration warnings and each recommended alarm as ok, missing or mismatched."
                    + " Exit status 1 when an alarm is missing or mismatched, 2 when the check failed.")
    static class Check extends Base {
        Check() {
            this(AwsClients::create, System.out);
        }

        Check(BiFunction<String, String, AwsClients> clients, PrintStream out) {
            super(clients, out);
        }

        @Override
        int run(AwsClients aws, AlarmProfile profile) {
            List<AlarmCheck.DomainReport> reports = check(aws, profile);
            if (options.json) {
                AlarmReport.json(out, profile, reports);
            } else {
                AlarmReport.text(out, profile, reports);
            }
            boolean allOk = reports.stream().flatMap(r -> r.verdicts().stream()).allMatch(v -> v.status() == Verdict.Status.OK);
            return allOk ? 0 : DIFFERS;
        }
    }

    @Command(name = "apply", mixinStandardHelpOptions = true,
            description = "Create the missing alarms and update the mismatched ones (PutMetricAlarm), nothing else.")
    static class Apply extends Base {
        @Option(names = "--dry-run", description = "Print what would be put and call nothing.")
        boolean dryRun;

        Apply() {
            this(AwsClients::create, System.out);
        }

        Apply(BiFunction<String, String, AwsClients> clients, PrintStream out) {
            super(clients, out);
        }

        @Override
        int run(AwsClients aws, AlarmProfile profile) {
            List<AlarmCheck.DomainReport> reports = check(aws, profile);
            if (!options.json) {
                AlarmReport.info(out, reports);
            }
            List<AlarmApply.Change> changes = AlarmApply.plan(reports, profile, options.actions());
            for (AlarmApply.Change change : changes) {
                if (!dryRun) {
                    aws.cloudWatch().putMetricAlarm(change.request());
                }
                // line by line, so that a failure part-way still shows what was put
                if (!options.json) {
                    AlarmReport.change(out, change, dryRun);
                }
            }
            if (options.json) {
                AlarmReport.changesJson(out, changes, dryRun);
            } else {
                AlarmReport.changesDone(out, changes.size(), dryRun);
            }
            return 0;
        }
    }
}
