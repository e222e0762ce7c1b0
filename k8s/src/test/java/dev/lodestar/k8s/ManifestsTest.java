package dev.lodestar.k8s;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** Each overlay renders, and what it renders satisfies {@link ManifestRules} and says what the overlay promises. */
class ManifestsTest {

    @ParameterizedTest
    @ValueSource(strings = {"dev", "prod"})
    void overlayRendersToValidObjectsThatKeepTheRules(String overlay) {
        List<ObjectNode> rendered = render(overlay);

        assertThat(ManifestRules.check(rendered, Overlays.version())).isEmpty();
        assertThat(kinds(rendered)).contains("Deployment/gateway", "Service/gateway", "Ingress/gateway",
                "PodDisruptionBudget/gateway", "Deployment/inference", "Service/inference",
                "HorizontalPodAutoscaler/inference", "PodDisruptionBudget/inference", "Deployment/keycloak",
                "Service/keycloak", "PersistentVolumeClaim/lodestar-artifacts", "ConfigMap/lodestar-config",
                "ConfigMap/lodestar-database", "NetworkPolicy/default-deny-ingress");
        assertThat(rendered).allSatisfy(o -> assertThat(o.at("/metadata/namespace").asText()).isEqualTo("lodestar"));
        assertThat(rendered).noneMatch(o -> o.path("kind").asText().equals("Secret"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"dev", "prod"})
    void statelessPartsAreReplicatedAndInferenceScalesOnCpuAndCallsInFlight(String overlay) {
        List<ObjectNode> rendered = render(overlay);

        assertThat(find(rendered, "Deployment", "gateway").at("/spec/replicas").asInt()).isGreaterThanOrEqualTo(2);
        assertThat(find(rendered, "Deployment", "inference").at("/spec/replicas").asInt()).isGreaterThanOrEqualTo(2);
        JsonNode hpa = find(rendered, "HorizontalPodAutoscaler", "inference");
        assertThat(hpa.at("/spec/minReplicas").asInt()).isGreaterThanOrEqualTo(2);
        assertThat(hpa.at("/spec/metrics/0/resource/name").asText()).isEqualTo("cpu");
        // The gauge the inference server registers as lodestar.inference.in.flight, in Prometheus's spelling.
        assertThat(hpa.at("/spec/metrics/1/pods/metric/name").asText()).isEqualTo("lodestar_inference_in_flight");
        assertThat(find(rendered, "Service", "inference").at("/spec/clusterIP").asText()).isEqualTo("None");
    }

    @Test
    void devRunsPostgresqlAndImportsTheProjectsRealm() throws Exception {
        List<ObjectNode> rendered = render("dev");

        assertThat(kinds(rendered)).contains("StatefulSet/postgres", "Service/postgres", "NetworkPolicy/postgres-ingress");
        ObjectNode realm = rendered.stream().filter(o -> o.at("/metadata/name").asText().startsWith("lodestar-realm-"))
                .findFirst().orElseThrow();
        String file = Files.readString(Overlays.k8sFolder().resolve("overlays/dev/lodestar-realm.json"));
        assertThat(realm.at("/data/lodestar-realm.json").asText()).isEqualTo(file);
        JsonNode keycloak = find(rendered, "Deployment", "keycloak");
        assertThat(keycloak.at("/spec/template/spec/containers/0/args").toString()).contains("--import-realm");
        assertThat(keycloak.at("/spec/template/spec/volumes").toString())
                .contains(realm.at("/metadata/name").asText());
        assertThat(find(rendered, "ConfigMap", "lodestar-database").at("/data/url").asText())
                .isEqualTo("jdbc:postgresql://postgres:5432/lodestar");
    }

    @Test
    void prodUsesAnExternalDatabaseAndSecureAdminCookiesAndImportsNoRealm() {
        List<ObjectNode> rendered = render("prod");

        assertThat(kinds(rendered)).noneMatch(k -> k.startsWith("StatefulSet/"));
        assertThat(rendered).noneMatch(o -> o.at("/metadata/name").asText().startsWith("lodestar-realm"));
        assertThat(find(rendered, "Deployment", "keycloak").toString()).doesNotContain("--import-realm");
        assertThat(find(rendered, "ConfigMap", "lodestar-database").at("/data/url").asText())
                .startsWith("jdbc:postgresql://").doesNotContain("//postgres:");
        assertThat(env(find(rendered, "Deployment", "gateway"))).containsEntry("LODESTAR_ADMIN_SECURE_COOKIES", "true");
        assertThat(find(rendered, "Deployment", "gateway").at("/spec/replicas").asInt()).isEqualTo(3);
        assertThat(find(rendered, "Ingress", "gateway").at("/spec/tls/0/secretName").asText()).isNotEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"dev", "prod"})
    void gatewayTakesItsCredentialsAndFormKeyFromSecrets(String overlay) {
        JsonNode gateway = find(render(overlay), "Deployment", "gateway");
        String pod = gateway.at("/spec/template/spec").toString();

        for (String variable : List.of("LODESTAR_DB_PASSWORD", "LODESTAR_GATEWAY_CLIENT_SECRET", "LODESTAR_ADMIN_FORM_KEY")) {
            JsonNode env = envVar(gateway, variable);
            assertThat(env.at("/valueFrom/secretKeyRef/name").asText()).as(variable).isNotEmpty();
        }
        assertThat(pod).contains("/var/lib/lodestar/artifacts", "\"claimName\":\"lodestar-artifacts\"");
    }

    @ParameterizedTest
    @ValueSource(strings = {"dev", "prod"})
    void inferenceIsConfiguredOnlyWithVariablesTheServerReads(String overlay) throws Exception {
        String settings = Files.readString(Overlays.k8sFolder()
                .resolve("../inference-grpc/src/main/java/dev/lodestar/inference/InferenceConfig.java"));
        JsonNode inference = find(render(overlay), "Deployment", "inference");

        List<String> variables = env(inference).keySet().stream().filter(n -> n.startsWith("LODESTAR_")).toList();
        assertThat(variables).isNotEmpty().allSatisfy(name -> assertThat(settings).contains("\"" + name + "\""));
    }

    static List<ObjectNode> render(String overlay) {
        return Kustomize.render(Overlays.k8sFolder().resolve("overlays").resolve(overlay));
    }

    private static List<String> kinds(List<ObjectNode> rendered) {
        return rendered.stream().map(o -> o.path("kind").asText() + "/" + o.at("/metadata/name").asText()).toList();
    }

    private static JsonNode find(List<ObjectNode> rendered, String kind, String name) {
        return rendered.stream().filter(o -> o.path("kind").asText().equals(kind)
                && o.at("/metadata/name").asText().equals(name)).findFirst().orElseThrow(
                        () -> new AssertionError("no " + kind + " " + name));
    }

    private static JsonNode envVar(JsonNode workload, String name) {
        for (JsonNode env : workload.at("/spec/template/spec/containers/0/env")) {
            if (env.path("name").asText().equals(name)) {
                return env;
            }
        }
        throw new AssertionError("no env " + name);
    }

    private static Map<String, String> env(JsonNode workload) {
        Map<String, String> values = new java.util.LinkedHashMap<>();
        workload.at("/spec/template/spec/containers/0/env")
                .forEach(e -> values.put(e.path("name").asText(), e.path("value").asText(null)));
        return values;
    }
}
