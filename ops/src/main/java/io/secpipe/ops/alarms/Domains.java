package io.secpipe.ops.alarms;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import software.amazon.awssdk.services.opensearch.OpenSearchClient;
import software.amazon.awssdk.services.opensearch.model.DomainInfo;

/** The account's OpenSearch Service and Elasticsearch domains in the client's region. */
final class Domains {

    /** DescribeDomains accepts at most this many names per call. */
    static final int DESCRIBE_BATCH = 5;

    private final OpenSearchClient client;

    Domains(OpenSearchClient client) {
        this.client = client;
    }

    /** Domains whose name starts with the prefix, by name. ListDomainNames answers all of them in one page. */
    List<Domain> list(String prefix) {
        return list(n -> n.startsWith(prefix));
    }

    /** The domain of exactly this name (the seed's {@code -c}), or none. */
    List<Domain> named(String name) {
        return list(n -> n.equals(name));
    }

    private List<Domain> list(java.util.function.Predicate<String> wanted) {
        List<String> names = client.listDomainNames(r -> { }).domainNames().stream().map(DomainInfo::domainName)
                .filter(wanted).sorted().toList();
        List<Domain> domains = new ArrayList<>();
        for (int i = 0; i < names.size(); i += DESCRIBE_BATCH) {
            List<String> batch = names.subList(i, Math.min(i + DESCRIBE_BATCH, names.size()));
            client.describeDomains(r -> r.domainNames(batch)).domainStatusList().stream()
                    .filter(s -> !Boolean.TRUE.equals(s.deleted()))
                    .map(Domain::of).forEach(domains::add);
        }
        domains.sort(Comparator.comparing(Domain::name));
        return domains;
    }
}
