package io.secpipe.ops.compose;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * docker-compose.yml against the built repository (no Docker engine here, so nothing is started): every mount
 * exists, ports and addresses fit together, Connect's plugin.path is where the plugins are mounted, the images
 * are the local stack's versions, and the one-shot services' scripts, run with fake tools, create exactly the
 * topics of topics.properties and register exactly connector-configs/local/*.json. An IT because the mounts
 * include build outputs (target/plugin, target/app, ops/target), which exist after the package phase.
 */
class ComposeFileIT {

    private static final Path REPO = Path.of(System.getProperty("secpipe.root", "..")).toAbsolutePath().normalize();
    private static final Path FILE = REPO.resolve("docker-compose.yml");
    private static final Map<String, String> ELASTICSEARCH = Map.of();
    private static final Map<String, String> OPENSEARCH = Map.of("SECPIPE_ENGINE", "opensearch", "SECPIPE_DASHBOARDS", "opensearch-dashboards");
    /** host:port, not inside a longer name or number (so "0.0.0.0:8083" and "-Xmx512m" are not addresses). */
    private static final Pattern ADDRESS = Pattern.compile("(?<![\\w.-])([a-z][a-z0-9-]*):(\\d{2,5})(?!\\d)");

    @TempDir
    Path scratch;

    @Test
    void everyBindMountedHostPathExistsInTheBuiltRepository() throws IOException {
        Compose compose = Compose.load(FILE, ELASTICSEARCH);
        List<String> mounted = new ArrayList<>();
        List<String> missing = new ArrayList<>();
        for (String service : compose.services()) {
            for (Compose.Mount mount : compose.mounts(service)) {
                mounted.add(mount.host());
                if (!Files.exists(REPO.resolve(mount.host()))) {
                    missing.add(service + ": ./" + mount.host());
                }
            }
        }
        assertThat(mounted).contains("connect-source/target/plugin", "connect-sink/target/plugin", "streams-app/target/app",
                "connector-configs/local", "ops/src/main/resources/local-stack/topics.properties", "docker/kafka");
        assertThat(missing).isEmpty();
        // named volumes are declared
        Set<String> declared = new HashSet<>();
        compose.root().path("volumes").fieldNames().forEachRemaining(declared::add);
        for (String service : compose.services()) {
            compose.service(service).path("volumes").forEach(v -> {
                String source = v.asText().split(":")[0];
                if (!source.startsWith("./")) {
                    assertThat(declared).as("named volume of %s", service).contains(source);
                }
            });
        }
    }

    @Test
    void publishedPortsAreUniqueAndEachLeadsToAPortTheServiceListensOn() throws IOException {
        Compose compose = Compose.load(FILE, ELASTICSEARCH);
        List<Integer> published = new ArrayList<>();
        for (String service : compose.services()) {
            for (int[] port : compose.publishedPorts(service)) {
                published.add(port[0]);
                assertThat(compose.service(service).path("expose").toString()).as("%s exposes %s", service, port[1])
                        .contains("\"" + port[1] + "\"");
            }
        }
        assertThat(published).doesNotHaveDuplicates()
                .containsExactlyInAnyOrder(9092, 8083, 9404, 8090, 9200, 5601, 9201, 5602, 9090);
    }

    @Test
    void everyAddressAServiceUsesNamesAServiceAndAPortThatServiceListensOn() throws IOException {
        Set<String> elasticsearch = checkedAddresses(Compose.load(FILE, ELASTICSEARCH));
        assertThat(elasticsearch).contains("connect -> elasticsearch:9200", "connect -> kafka:19092", "streams -> kafka:19092",
                "topics -> kafka:19092", "kafka -> kafka:9093", "setup -> connect:8083", "setup -> elasticsearch:9200",
                "setup -> kibana:5601", "kibana -> elasticsearch:9200", "opensearch-dashboards -> opensearch:9200");
        Set<String> opensearch = checkedAddresses(Compose.load(FILE, OPENSEARCH));
        assertThat(opensearch).contains("connect -> opensearch:9200", "setup -> opensearch:9200", "setup -> opensearch-dashboards:5601")
                .doesNotContain("connect -> elasticsearch:9200", "setup -> kibana:5601");
    }

    /** Every host:port in environments, commands, healthchecks and mounted .properties files, checked; "service -> address". */
    private static Set<String> checkedAddresses(Compose compose) throws IOException {
        Set<String> found = new TreeSet<>();
        List<String> wrong = new ArrayList<>();
        for (String service : compose.services()) {
            List<String> texts = new ArrayList<>(compose.environment(service).values());
            texts.addAll(compose.command(service));
            compose.service(service).path("healthcheck").path("test").forEach(t -> texts.add(t.asText()));
            for (Compose.Mount mount : compose.mounts(service)) {
                Path host = REPO.resolve(mount.host());
                if (Files.isDirectory(host)) {
                    try (Stream<Path> files = Files.list(host)) {
                        for (Path f : files.filter(f -> f.toString().endsWith(".properties")).toList()) {
                            texts.add(Files.readString(f));
                        }
                    }
                } else if (host.toString().endsWith(".properties")) {
                    texts.add(Files.readString(host));
                }
            }
            for (String text : texts) {
                Matcher m = ADDRESS.matcher(text);
                while (m.find()) {
                    String target = m.group(1).equals("localhost") ? service : m.group(1);
                    int port = Integer.parseInt(m.group(2));
                    found.add(service + " -> " + m.group(1) + ":" + port);
                    if (!compose.services().contains(target) || !compose.containerPorts(target).contains(port)) {
                        wrong.add(service + " -> " + m.group() + " (services: " + compose.services() + ")");
                    }
                }
            }
        }
        assertThat(wrong).isEmpty();
        return found;
    }

    @Test
    void theBrokerListensOnTheExposedPortsAndAdvertisesAddressesThatReachIt() throws IOException {
        Compose compose = Compose.load(FILE, ELASTICSEARCH);
        Properties broker = properties(REPO.resolve(compose.hostPathAt("kafka", "/mnt/shared/config")).resolve("server.properties"));
        Set<Integer> listening = new TreeSet<>();
        for (String listener : broker.getProperty("listeners").split(",")) {
            listening.add(Integer.parseInt(listener.substring(listener.lastIndexOf(':') + 1)));
        }
        assertThat(listening).containsExactlyInAnyOrderElementsOf(compose.containerPorts("kafka"));
        // inside the network by service name, from the host through the published port
        assertThat(broker.getProperty("advertised.listeners")).isEqualTo("PLAINTEXT://kafka:19092,HOST://localhost:9092");
        assertThat(compose.publishedPorts("kafka")).singleElement().satisfies(p -> assertThat(p).containsExactly(9092, 9092));
        assertThat(compose.service("kafka").path("hostname").asText()).isEqualTo("kafka");
    }

    @Test
    void connectsPluginPathIsWhereThePluginsAreMountedAndItsCommandReadsTheMountedWorkerSettings() throws IOException {
        Compose compose = Compose.load(FILE, ELASTICSEARCH);
        List<String> command = compose.command("connect");
        String workerFile = command.get(command.size() - 1);
        assertThat(compose.hostPathAt("connect", workerFile)).isEqualTo("docker/connect-worker.properties");
        Properties worker = properties(REPO.resolve("docker/connect-worker.properties"));
        Set<String> pluginMounts = new TreeSet<>();
        for (Compose.Mount mount : compose.mounts("connect")) {
            if (mount.host().endsWith("/target/plugin")) {
                pluginMounts.add(mount.container());
            }
        }
        assertThat(Set.of(worker.getProperty("plugin.path").split(","))).isEqualTo(pluginMounts);
        assertThat(compose.hostPathAt("connect", "/opt/secpipe/plugins/connect-source")).isEqualTo("connect-source/target/plugin");
        assertThat(compose.hostPathAt("connect", "/opt/secpipe/plugins/connect-sink")).isEqualTo("connect-sink/target/plugin");
        // the REST port the worker listens on is the one the service exposes and advertises
        assertThat(worker.getProperty("listeners")).isEqualTo("http://0.0.0.0:8083");
        assertThat(worker.getProperty("rest.advertised.host.name") + ":" + worker.getProperty("rest.advertised.port")).isEqualTo("connect:8083");
        assertThat(compose.containerPorts("connect")).containsExactlyInAnyOrder(8083, 9404);
        // the configs resolve ${env:SECPIPE_ENGINE_URL}
        assertThat(worker.getProperty("config.providers.env.class")).isEqualTo("org.apache.kafka.common.config.provider.EnvVarConfigProvider");
        assertThat(compose.environment("connect")).containsKey("SECPIPE_ENGINE_URL");
    }

    /** The agent jar and its rules are mounted where KAFKA_OPTS names them, and it serves on the port Prometheus scrapes. */
    @Test
    void connectRunsTheJmxExporterAgentWithTheMountedRulesOnThePortPrometheusScrapes() throws IOException {
        Compose compose = Compose.load(FILE, ELASTICSEARCH);
        Matcher agent = Pattern.compile("-javaagent:(\\S+\\.jar)=(\\d+):(\\S+)").matcher(compose.environment("connect").get("KAFKA_OPTS"));
        assertThat(agent.matches()).as(compose.environment("connect").get("KAFKA_OPTS")).isTrue();
        String jar = agent.group(1);
        assertThat(compose.hostPathAt("connect", jar.substring(0, jar.lastIndexOf('/')))).isEqualTo("ops/target/jmx-exporter");
        assertThat(REPO.resolve("ops/target/jmx-exporter").resolve(jar.substring(jar.lastIndexOf('/') + 1))).isRegularFile();
        assertThat(compose.hostPathAt("connect", agent.group(3))).isEqualTo("docker/connect-jmx-exporter.yml");
        int port = Integer.parseInt(agent.group(2));
        assertThat(port).isEqualTo(9404);
        assertThat(compose.containerPorts("connect")).contains(port);
        // the rules name our plugin metrics
        String rules = Files.readString(REPO.resolve("docker/connect-jmx-exporter.yml"));
        for (String metric : List.of("records-total", "bytes-total", "errors-total", "lag-ms")) {
            assertThat(rules).contains("kafka.connect<type=plugins, connector=(.+), task=(\\d+)><>" + metric + "'");
        }
        // the Prometheus example scrapes both endpoints by service name and port
        String prometheus = Files.readString(REPO.resolve("docker/prometheus.yml"));
        assertThat(prometheus).contains("\"connect:" + port + "\"", "\"streams:8090\"");
        assertThat(compose.hostPathAt("prometheus", "/etc/prometheus/prometheus.yml")).isEqualTo("docker/prometheus.yml");
    }

    /** Connect answers its REST root, the Streams app its readiness; setup and Prometheus wait for them healthy. */
    @Test
    void connectAndStreamsHaveHealthchecksAndTheirDependentsWaitForThem() throws IOException {
        Compose compose = Compose.load(FILE, ELASTICSEARCH);
        assertThat(compose.service("connect").path("healthcheck").path("test").toString())
                .contains("/dev/tcp/localhost/8083").contains("GET / HTTP/1.0").contains("grep -q ' 200 '");
        List<String> streamsCheck = new ArrayList<>();
        compose.service("streams").path("healthcheck").path("test").forEach(t -> streamsCheck.add(t.asText()));
        assertThat(streamsCheck).containsExactly("CMD", "curl", "-fsS", "http://localhost:8090/health/ready");
        Properties streams = properties(REPO.resolve("docker/streams.properties"));
        assertThat(streams.getProperty("http.port")).isEqualTo("8090");
        assertThat(streams.getProperty("http.host")).isEqualTo("0.0.0.0");
        assertThat(compose.containerPorts("streams")).containsExactly(8090);
        assertThat(compose.service("setup").path("depends_on").path("connect").path("condition").asText()).isEqualTo("service_healthy");
        assertThat(compose.service("prometheus").path("depends_on").path("connect").path("condition").asText()).isEqualTo("service_healthy");
        assertThat(compose.service("prometheus").path("depends_on").path("streams").path("condition").asText()).isEqualTo("service_healthy");
        assertThat(compose.service("prometheus").path("profiles").toString()).isEqualTo("[\"metrics\"]");
    }

    @Test
    void theStreamsAppRunsFromTheMountedAppDirectoryWithTheMountedSettings() throws IOException {
        Compose compose = Compose.load(FILE, ELASTICSEARCH);
        List<String> command = compose.command("streams");
        String classpath = command.get(command.indexOf("-cp") + 1);
        assertThat(classpath).endsWith("/*");
        assertThat(compose.hostPathAt("streams", classpath.substring(0, classpath.length() - 2))).isEqualTo("streams-app/target/app");
        assertThat(command).contains("io.secpipe.streams.SecpipeStreamsApp");
        String config = command.get(command.indexOf("--config") + 1);
        assertThat(compose.hostPathAt("streams", config)).isEqualTo("docker/streams.properties");
        Properties streams = properties(REPO.resolve("docker/streams.properties"));
        assertThat(streams.getProperty("processing.guarantee")).isEqualTo("exactly_once_v2");
        assertThat(compose.service("streams").path("volumes").toString()).contains("streams-state:" + streams.getProperty("state.dir"));
    }

    @Test
    void theTopicsServiceCreatesEveryTopicOfTheLocalStacksTopicsProperties() throws Exception {
        Compose compose = Compose.load(FILE, ELASTICSEARCH);
        assertThat(compose.hostPathAt("topics", "/opt/secpipe/topics.properties"))
                .isEqualTo("ops/src/main/resources/local-stack/topics.properties");
        ContainerRun run = new ContainerRun(REPO, scratch);
        List<List<String>> calls = run.run(compose, "topics", Map.of("KAFKA_BIN", run.fakeBin().toString()));

        // what the local stack's Broker creates from the same file: name=partitions[,compact], one replica
        Properties topics = properties(REPO.resolve("ops/src/main/resources/local-stack/topics.properties"));
        List<List<String>> expected = new ArrayList<>();
        for (String name : topics.stringPropertyNames()) {
            String[] spec = topics.getProperty(name).split(",");
            List<String> call = new ArrayList<>(List.of("kafka-topics.sh", "--bootstrap-server", "kafka:19092", "--create",
                    "--if-not-exists", "--topic", name, "--partitions", spec[0].trim(), "--replication-factor", "1"));
            if (spec.length > 1 && spec[1].trim().equals("compact")) {
                call.addAll(List.of("--config", "cleanup.policy=compact"));
            }
            expected.add(call);
        }
        assertThat(expected).extracting(c -> c.get(6)).contains("raw.vpcflow", "ref.eni");
        assertThat(calls).containsExactlyInAnyOrderElementsOf(expected);
    }

    @Test
    void theSetupServiceRegistersExactlyTheLocalConnectorConfigsThenInstallsTemplatesAndDashboards() throws Exception {
        setupRegistersTheLocalConfigs(ELASTICSEARCH, "http://elasticsearch:9200", "http://kibana:5601", "kibana");
    }

    @Test
    void withOpenSearchTheSetupServiceTalksToOpenSearchAndItsDashboards() throws Exception {
        setupRegistersTheLocalConfigs(OPENSEARCH, "http://opensearch:9200", "http://opensearch-dashboards:5601", "opensearch-dashboards");
    }

    private void setupRegistersTheLocalConfigs(Map<String, String> env, String engine, String dashboards, String flavor) throws Exception {
        Compose compose = Compose.load(FILE, env);
        ContainerRun run = new ContainerRun(REPO, scratch);
        List<List<String>> calls = run.run(compose, "setup", Map.of());
        Path root = run.inContainer("/opt/secpipe");

        assertThat(calls.subList(0, 3)).extracting(c -> c.get(0) + " " + c.get(c.size() - 1)).containsExactly(
                "curl http://connect:8083/health",
                "curl " + engine + "/_cluster/health?wait_for_status=yellow&timeout=30s",
                "curl " + dashboards + "/api/status");

        List<String> localConfigs;
        try (Stream<Path> files = Files.list(REPO.resolve("connector-configs/local"))) {
            localConfigs = files.map(f -> f.getFileName().toString()).filter(n -> n.endsWith(".json"))
                    .map(n -> n.substring(0, n.length() - 5)).sorted().toList();
        }
        List<List<String>> puts = calls.subList(3, calls.size() - 2);
        List<String> registered = new ArrayList<>();
        for (List<String> put : puts) {
            assertThat(put.subList(0, 8)).containsExactly("curl", "-fsS", "-o", "/dev/null", "-X", "PUT", "-H", "Content-Type: application/json");
            String name = put.get(10).replaceFirst("^http://connect:8083/connectors/", "").replaceFirst("/config$", "");
            assertThat(put.get(9)).isEqualTo("@" + root.resolve("connector-configs/local/" + name + ".json"));
            // the body is the repository's file itself, through the mount
            assertThat(root.resolve("connector-configs/local/" + name + ".json").toRealPath())
                    .isEqualTo(REPO.resolve("connector-configs/local/" + name + ".json").toRealPath());
            registered.add(name);
        }
        assertThat(localConfigs).contains("vpcflow-sink", "ossec-sink");
        assertThat(registered).containsExactlyElementsOf(localConfigs);

        String classpath = root + "/ops/target/ops.jar:" + root + "/ops/target/secpipe-lib/*:" + root + "/ops/target/lib/*";
        List<String> java = List.of("java", "-Dsecpipe.root=" + root, "-cp", classpath, "io.secpipe.ops.SecpipeCli");
        assertThat(calls.get(calls.size() - 2)).containsExactlyElementsOf(concat(java, "templates", "install", "--url", engine));
        assertThat(calls.get(calls.size() - 1)).containsExactlyElementsOf(concat(java, "dashboards", "install", "--url", dashboards, "--flavor", flavor));
        // what those commands read, through the mounts
        assertThat(root.resolve("ops/target/ops.jar")).isRegularFile();
        assertThat(root.resolve("search/templates/vpcflow.json")).isRegularFile();
    }

    /**
     * The container settings of docker/ hold every setting the local stack writes (read from its source, where they
     * are string literals), with the same value wherever the local stack's value is a whole literal; addresses,
     * paths and ports differ by design and are built by concatenation there.
     */
    @Test
    void theContainerSettingsHoldEveryLocalStackSettingWithItsValue() throws IOException {
        Map<String, String> differByDesign = Map.of(
                "listener.security.protocol.map", "the compose broker has a third listener for clients on the host",
                "rest.advertised.host.name", "other containers reach the worker by its service name",
                "geoip.city.database", "the compose stack has no GeoLite2 files (the local stack takes them from the OpenSearch zip)",
                "rest.extension.classes", "the local stack adds basic auth only when connect-credentials.properties exists",
                "vpcflow.minute.idle.close", "the local stack replays finished files (PT1M); the containers keep the default for "
                        + "live delivery (PT15M, longer than a 10-minute aggregation interval)",
                "http.host", "the local stack's endpoint listens on the loopback address only, the container's on every address");
        Pattern setting = Pattern.compile("\"([a-z][a-z0-9._]*)=([^\"]*)\"(\\s*\\+)?");
        List<String> differences = new ArrayList<>();
        int compared = 0;
        for (String[] pair : List.of(
                new String[] {"ConnectWorker.java", "docker/connect-worker.properties"},
                new String[] {"StreamsProcess.java", "docker/streams.properties"},
                new String[] {"Broker.java", "docker/kafka/server.properties"})) {
            String source = Files.readString(REPO.resolve("ops/src/main/java/io/secpipe/ops/local/" + pair[0]));
            Properties container = properties(REPO.resolve(pair[1]));
            Matcher m = setting.matcher(source);
            while (m.find()) {
                String key = m.group(1);
                boolean wholeLiteral = m.group(3) == null;
                compared++;
                if (differByDesign.containsKey(key)) {
                    continue;
                }
                if (!container.containsKey(key)) {
                    differences.add(pair[1] + " lacks " + key + " (set in " + pair[0] + ")");
                } else if (wholeLiteral && !container.getProperty(key).equals(m.group(2))) {
                    differences.add(pair[1] + ": " + key + "=" + container.getProperty(key) + ", " + pair[0] + ": " + m.group(2));
                }
            }
        }
        assertThat(compared).isGreaterThan(40);
        assertThat(differences).isEmpty();
    }

    @Test
    void theImagesAreTheVersionsTheLocalStackRuns() throws IOException {
        String pom = Files.readString(REPO.resolve("pom.xml"));
        Compose compose = Compose.load(FILE, ELASTICSEARCH);
        String kafka = property(pom, "kafka.version");
        assertThat(compose.image("kafka")).isEqualTo("apache/kafka:" + kafka);
        assertThat(compose.image("topics")).isEqualTo("apache/kafka:" + kafka);
        assertThat(compose.image("connect")).isEqualTo("apache/kafka:" + kafka);
        assertThat(compose.image("elasticsearch")).isEqualTo("docker.elastic.co/elasticsearch/elasticsearch:" + property(pom, "elasticsearch.version"));
        assertThat(compose.image("kibana")).isEqualTo("docker.elastic.co/kibana/kibana:" + property(pom, "elasticsearch.version"));
        assertThat(compose.image("opensearch")).isEqualTo("opensearchproject/opensearch:" + property(pom, "opensearch.version"));
        assertThat(compose.image("opensearch-dashboards")).isEqualTo("opensearchproject/opensearch-dashboards:" + property(pom, "opensearch.version"));
        assertThat(compose.service("opensearch").path("profiles").toString()).isEqualTo("[\"opensearch\"]");
        assertThat(compose.service("elasticsearch").has("profiles")).isFalse();
    }

    private static String property(String pom, String name) {
        Matcher m = Pattern.compile("<" + Pattern.quote(name) + ">([^<]+)</").matcher(pom);
        assertThat(m.find()).as("parent pom property %s", name).isTrue();
        return m.group(1);
    }

    private static List<String> concat(List<String> head, String... tail) {
        List<String> all = new ArrayList<>(head);
        all.addAll(List.of(tail));
        return all;
    }

    private static Properties properties(Path file) throws IOException {
        Properties props = new Properties();
        try (Reader reader = Files.newBufferedReader(file)) {
            props.load(reader);
        }
        return props;
    }
}
