package io.secpipe.ops.alarms;

import java.util.List;
import software.amazon.awssdk.services.cloudwatch.CloudWatchClient;
import software.amazon.awssdk.services.opensearch.OpenSearchClient;

/** Compares each domain's CloudWatch alarms with a profile and reports its configuration warnings. */
public final class AlarmCheck {

    /** One domain: its informational lines, configuration warnings and a verdict per expected alarm. */
    public record DomainReport(Domain domain, List<String> info, List<String> warnings, List<Verdict> verdicts) {
    }

    private final OpenSearchClient openSearch;
    private final CloudWatchClient cloudWatch;

    public AlarmCheck(OpenSearchClient openSearch, CloudWatchClient cloudWatch) {
        this.openSearch = openSearch;
        this.cloudWatch = cloudWatch;
    }

    /** @param snsTopic the topic every alarm must notify, or null to leave actions unchecked */
    public List<DomainReport> run(String prefix, AlarmProfile profile, String snsTopic) {
        return check(new Domains(openSearch).list(prefix), profile, snsTopic == null ? List.of() : List.of(snsTopic));
    }

    /**
     * @param domain exactly this domain if not null, else those starting with {@code prefix}
     * @param actions the alarm actions every alarm must have; empty to leave actions unchecked
     */
    public List<DomainReport> run(String prefix, String domain, AlarmProfile profile, List<String> actions) {
        Domains domains = new Domains(openSearch);
        return check(domain != null ? domains.named(domain) : domains.list(prefix), profile, actions);
    }

    private List<DomainReport> check(List<Domain> domains, AlarmProfile profile, List<String> actions) {
        ExistingAlarms existing = domains.isEmpty() ? null : ExistingAlarms.load(cloudWatch);
        return domains.stream().map(d -> new DomainReport(d, d.info(profile.desiredFreeStorage(d)), d.warnings(), profile.expectedFor(d).stream()
                .map(e -> Verdict.judge(e, existing.on(d, e.metric()), actions)).toList())).toList();
    }
}
