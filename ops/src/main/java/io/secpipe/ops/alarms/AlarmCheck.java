package io.secpipe.ops.alarms;

import java.util.List;
import software.amazon.awssdk.services.cloudwatch.CloudWatchClient;
import software.amazon.awssdk.services.opensearch.OpenSearchClient;

/** Compares each domain's CloudWatch alarms with a profile and reports its configuration warnings. */
public final class AlarmCheck {

    /** One domain: its configuration warnings and a verdict per expected alarm. */
    public record DomainReport(Domain domain, List<String> warnings, List<Verdict> verdicts) {
    }

    private final OpenSearchClient openSearch;
    private final CloudWatchClient cloudWatch;

    public AlarmCheck(OpenSearchClient openSearch, CloudWatchClient cloudWatch) {
        this.openSearch = openSearch;
        this.cloudWatch = cloudWatch;
    }

    /** @param snsTopic the topic every alarm must notify, or null to leave actions unchecked */
    public List<DomainReport> run(String prefix, AlarmProfile profile, String snsTopic) {
        List<Domain> domains = new Domains(openSearch).list(prefix);
        ExistingAlarms existing = domains.isEmpty() ? null : ExistingAlarms.load(cloudWatch);
        return domains.stream().map(d -> new DomainReport(d, d.warnings(), profile.expectedFor(d).stream()
                .map(e -> Verdict.judge(e, existing.on(d, e.metric()), snsTopic)).toList())).toList();
    }
}
