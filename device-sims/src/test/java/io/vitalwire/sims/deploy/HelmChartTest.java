package io.vitalwire.sims.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The Helm chart deploy/helm/cloud-ingest, checked without Helm (no renderer could be obtained here: its README says
 * why): Chart.yaml and values.yaml parse; every {@code .Values.…} the templates read exists in values.yaml, and every
 * value is read by a template (a value nothing reads is a setting that silently does nothing); the pods run as a
 * non-root user with a read-only root file system; no secret is a value.
 */
class HelmChartTest {

    private static final Path CHART = Path.of("..", "deploy", "helm", "cloud-ingest");
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    private static final Pattern VALUES_REFERENCE = Pattern.compile("\\.Values((?:\\.[A-Za-z][A-Za-z0-9]*)+)");

    @Test
    void chartAndValuesParse_asAHelm3Chart() throws IOException {
        JsonNode chart = YAML.readTree(CHART.resolve("Chart.yaml").toFile());
        assertThat(chart.path("apiVersion").asText()).isEqualTo("v2");
        assertThat(chart.path("name").asText()).isEqualTo("cloud-ingest");
        assertThat(chart.path("version").asText()).matches("\\d+\\.\\d+\\.\\d+.*");
        assertThat(chart.path("appVersion").asText()).isNotBlank();
        assertThat(YAML.readTree(CHART.resolve("values.yaml").toFile()).isObject()).isTrue();
    }

    @Test
    void everyValueTheTemplatesRead_exists_andEveryValueIsRead() throws IOException {
        Set<String> values = new TreeSet<>();
        collectPaths("", YAML.readTree(CHART.resolve("values.yaml").toFile()), values);
        Set<String> referenced = new TreeSet<>();
        Matcher matcher = VALUES_REFERENCE.matcher(templates());
        while (matcher.find()) {
            referenced.add(matcher.group(1).substring(1));
        }
        assertThat(referenced).as("read by the templates").isNotEmpty();
        // A template may read a value or a map of them (toYaml .Values.resources).
        assertThat(referenced).as("every value a template reads is in values.yaml").allMatch(
                r -> values.stream().anyMatch(value -> value.equals(r) || value.startsWith(r + ".")), "exists");
        // A value is read when it or a map holding it is.
        assertThat(values).as("every leaf of values.yaml is read by a template")
                .allMatch(value -> referenced.stream().anyMatch(r -> value.equals(r) || value.startsWith(r + ".")),
                        "read");
    }

    @Test
    void podsRunAsNonRoot_withAReadOnlyRootFileSystem_probesOnHealth_andAPodDisruptionBudget() throws IOException {
        String statefulSet = Files.readString(CHART.resolve("templates").resolve("statefulset.yaml"));
        assertThat(statefulSet).contains("runAsNonRoot: true", "runAsUser: 65532", "readOnlyRootFilesystem: true",
                "allowPrivilegeEscalation: false", "drop: [\"ALL\"]", "path: /health", "path: /health/liveness",
                "prometheus.io/scrape", "secretKeyRef", "fieldPath: metadata.name");
        assertThat(statefulSet).doesNotContain("privileged: true", "hostNetwork", "hostPath");
        assertThat(Files.readString(CHART.resolve("templates").resolve("poddisruptionbudget.yaml")))
                .contains("kind: PodDisruptionBudget", "apiVersion: policy/v1");
    }

    @Test
    void noSecretIsAValue_onlyTheNamesOfSecrets() throws IOException {
        Set<String> values = new TreeSet<>();
        collectPaths("", YAML.readTree(CHART.resolve("values.yaml").toFile()), values);
        assertThat(values).as("passwords, keys and tokens come from Secrets, named in values")
                .noneMatch(path -> path.matches("(?i).*(password|token|privatekey|clientsecret)$"));
        assertThat(Files.readString(CHART.resolve("templates").resolve("statefulset.yaml")))
                .as("secrets reach the pods from Secrets only")
                .doesNotContainPattern("(?m)^\\s*kind: Secret");
    }

    private static String templates() throws IOException {
        StringBuilder all = new StringBuilder();
        try (Stream<Path> files = Files.list(CHART.resolve("templates"))) {
            for (Path file : files.sorted().toList()) {
                all.append(Files.readString(file)).append('\n');
            }
        }
        return all.toString();
    }

    /** Each leaf's dotted path (a list or an empty map counts as a leaf). */
    private static void collectPaths(String prefix, JsonNode node, Set<String> paths) {
        if (node.isObject() && node.size() > 0) {
            Iterator<Map.Entry<String, JsonNode>> fields = node.fields();
            while (fields.hasNext()) {
                Map.Entry<String, JsonNode> field = fields.next();
                collectPaths(prefix.isEmpty() ? field.getKey() : prefix + "." + field.getKey(), field.getValue(),
                        paths);
            }
        } else {
            paths.add(prefix);
        }
    }
}
