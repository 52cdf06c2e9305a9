package io.secpipe.ops.alarms;

import java.io.PrintStream;
import java.util.List;
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
        @Option(names = "--prefix", defaultValue = "", description = "Only domains whose name starts with this.")
        String prefix;
        @Option(names = "--region", description = "AWS region (default: the SDK's region chain, or the profile's).")
        String region;
        @Option(names = "--profile", paramLabel = "NAME", description = "Named AWS profile for credentials and region.")
        String awsProfile;
        @Option(names = "--alarm-profile", defaultValue = "aws-recommended",
                description = "Recommended alarms to compare with: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}).",
                completionCandidates = ProfileNames.class)
        String alarmProfile;
        @Option(names = "--sns-topic", paramLabel = "ARN", description = "Topic every alarm must notify (unset: actions are not compared).")
        String snsTopic;
        @Option(names = "--json", description = "Print JSON instead of text.")
        boolean json;
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
            try (AwsClients aws = clients.apply(options.region, options.awsProfile)) {
                return run(aws, AlarmProfile.load(options.alarmProfile));
            } catch (SdkException | IllegalArgumentException e) {
                System.err.println("secpipe alarms: " + e.getMessage());
                return FAILED;
            }
        }

        List<AlarmCheck.DomainReport> check(AwsClients aws, AlarmProfile profile) {
            return new AlarmCheck(aws.openSearch(), aws.cloudWatch()).run(options.prefix, profile, options.snsTopic);
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
            List<AlarmApply.Change> changes = AlarmApply.plan(check(aws, profile), profile, options.snsTopic);
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
