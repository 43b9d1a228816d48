package io.goalkeeper.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;

import io.goalkeeper.sync.SyncRunner;

/**
 * The Kubernetes manifests agree with the service: probe paths, port, variable names (as the README's
 * configuration table lists them), and the rules a production pod follows (non-root, read-only root,
 * limits, a grace period longer than the service's own shutdown).
 */
class ManifestTest {

    private static final Path MANIFESTS = Path.of("deploy/kubernetes");
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    private static final Map<String, JsonNode> BY_KIND = new HashMap<>();
    private static Properties application;

    @BeforeAll
    static void read() throws IOException {
        for (JsonNode resource : YAML.readTree(MANIFESTS.resolve("kustomization.yaml").toFile()).get("resources")) {
            JsonNode manifest = YAML.readTree(MANIFESTS.resolve(resource.asText()).toFile());
            BY_KIND.put(manifest.get("kind").asText(), manifest);
        }
        application = new Properties();
        try (InputStream in = Files.newInputStream(Path.of("src/main/resources/application.properties"))) {
            application.load(in);
        }
    }

    @Test
    void theKustomizationTiesEveryPieceTogether() {
        assertThat(BY_KIND).containsOnlyKeys("Deployment", "Service", "ConfigMap", "Secret", "PodDisruptionBudget");
    }

    @Test
    void probesUseTheSpecsPathsOnTheServicePort() {
        JsonNode container = container();
        assertThat(container.at("/startupProbe/httpGet/path").asText()).isEqualTo("/q/health/started");
        assertThat(container.at("/livenessProbe/httpGet/path").asText()).isEqualTo("/q/health/live");
        assertThat(container.at("/readinessProbe/httpGet/path").asText()).isEqualTo("/q/health/ready");
        for (String probe : List.of("startupProbe", "livenessProbe", "readinessProbe")) {
            assertThat(container.at("/" + probe + "/httpGet/port").asText()).isEqualTo("http");
        }
        assertThat(container.at("/ports/0/name").asText()).isEqualTo("http");
        assertThat(container.at("/ports/0/containerPort").asInt()).as("SPEC's QUARKUS_HTTP_PORT default").isEqualTo(8080);
        assertThat(BY_KIND.get("Service").at("/spec/ports/0/targetPort").asText()).isEqualTo("http");
    }

    @Test
    void theInstanceIdIsThePodName() {
        JsonNode instance = env(container(), "GOALKEEPER_INSTANCE_ID");
        assertThat(instance.at("/valueFrom/fieldRef/fieldPath").asText()).isEqualTo("metadata.name");
    }

    @Test
    void everyVariableSetIsOneTheServiceReads() throws IOException {
        String readme = Files.readString(Path.of("README.md"));
        List<String> variables = new ArrayList<>();
        BY_KIND.get("ConfigMap").get("data").fieldNames().forEachRemaining(variables::add);
        BY_KIND.get("Secret").get("stringData").fieldNames().forEachRemaining(variables::add);
        container().get("env").forEach(e -> variables.add(e.get("name").asText()));
        variables.remove("JAVA_OPTS_APPEND");
        assertThat(variables).isNotEmpty().allSatisfy(name -> assertThat(readme)
                .as("%s in the README's configuration table", name).containsPattern("\\|[^\\n]*`" + name + "`"));
    }

    @Test
    void thePodRunsAsAnUnprivilegedUserOnAReadOnlyRoot() {
        JsonNode pod = BY_KIND.get("Deployment").at("/spec/template/spec");
        assertThat(pod.at("/securityContext/runAsNonRoot").asBoolean()).isTrue();
        assertThat(pod.at("/securityContext/runAsUser").asInt()).isPositive();
        JsonNode security = container().get("securityContext");
        assertThat(security.get("allowPrivilegeEscalation").asBoolean(true)).isFalse();
        assertThat(security.get("readOnlyRootFilesystem").asBoolean()).isTrue();
        assertThat(security.at("/capabilities/drop/0").asText()).isEqualTo("ALL");
        assertThat(container().at("/volumeMounts/0/mountPath").asText()).as("a writable /tmp").isEqualTo("/tmp");
    }

    @Test
    void requestsAndLimitsAreSet() {
        JsonNode resources = container().get("resources");
        for (String kind : List.of("requests", "limits")) {
            assertThat(resources.at("/" + kind + "/cpu").asText()).as(kind + " cpu").isNotBlank();
            assertThat(resources.at("/" + kind + "/memory").asText()).as(kind + " memory").isNotBlank();
        }
    }

    @Test
    void theGracePeriodOutlastsTheServicesOwnShutdown() {
        Duration delay = duration(application.getProperty("%prod.quarkus.shutdown.delay"));
        Duration timeout = duration(application.getProperty("%prod.quarkus.shutdown.timeout"));
        Duration shutdown = delay.plus(timeout).plus(SyncRunner.SHUTDOWN_RELEASE_WAIT);
        long grace = BY_KIND.get("Deployment").at("/spec/template/spec/terminationGracePeriodSeconds").asLong();
        assertThat(Duration.ofSeconds(grace)).isGreaterThan(shutdown);
    }

    @Test
    void rolloutsAndDrainsKeepAReplicaServing() {
        JsonNode deployment = BY_KIND.get("Deployment");
        assertThat(deployment.at("/spec/replicas").asInt()).isEqualTo(2);
        assertThat(deployment.at("/spec/strategy/type").asText()).isEqualTo("RollingUpdate");
        assertThat(deployment.at("/spec/strategy/rollingUpdate/maxUnavailable").asInt()).isZero();
        JsonNode budget = BY_KIND.get("PodDisruptionBudget");
        assertThat(budget.at("/spec/minAvailable").asInt()).isBetween(1, deployment.at("/spec/replicas").asInt() - 1);
        assertThat(budget.at("/spec/selector/matchLabels")).isEqualTo(deployment.at("/spec/selector/matchLabels"));
        assertThat(BY_KIND.get("Service").at("/spec/selector")).isEqualTo(deployment.at("/spec/template/metadata/labels"));
    }

    @Test
    void theSecretIsATemplateWithoutRealValues() {
        BY_KIND.get("Secret").get("stringData").fields().forEachRemaining(entry -> assertThat(entry.getValue().asText())
                .as(entry.getKey()).isIn("change-me", "goalkeeper"));
    }

    private static JsonNode container() {
        return BY_KIND.get("Deployment").at("/spec/template/spec/containers/0");
    }

    private static JsonNode env(JsonNode container, String name) {
        for (JsonNode entry : container.get("env")) {
            if (entry.get("name").asText().equals(name)) {
                return entry;
            }
        }
        throw new AssertionError(name + " is not set in the deployment");
    }

    private static Duration duration(String text) {
        Matcher seconds = Pattern.compile("(\\d+)s").matcher(text == null ? "" : text);
        assertThat(seconds.matches()).as("a duration in seconds: %s", text).isTrue();
        return Duration.ofSeconds(Long.parseLong(seconds.group(1)));
    }
}
