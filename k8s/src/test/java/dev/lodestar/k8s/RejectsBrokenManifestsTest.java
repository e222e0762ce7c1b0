package dev.lodestar.k8s;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Each rule of {@link ManifestRules} and the renderer's strictness, shown to fail: a copy of the manifests is
 * broken in one place, and the check names that place.
 */
class RejectsBrokenManifestsTest {

    @TempDir
    Path copy;

    static Stream<Arguments> breakages() {
        return Stream.of(
                Arguments.of("unknown field", "base/gateway.yaml", "  replicas: 2\n", "  replicas: 2\n  replica: 2\n",
                        "Deployment gateway: unknown field spec.[replica]"),
                Arguments.of("misspelt nested field", "base/inference.yaml", "            periodSeconds: 5\n",
                        "            periodSecond: 5\n", "unknown field spec.template.spec.containers[0].readinessProbe.[periodSecond]"),
                Arguments.of("wrong type", "base/inference.yaml", "  replicas: 2\n", "  replicas: two\n",
                        "Deployment inference: not a valid apps/v1/Deployment"),
                Arguments.of("unknown kind", "base/gateway.yaml", "kind: PodDisruptionBudget", "kind: DisruptionBudget",
                        "unknown kind policy/v1/DisruptionBudget"),
                Arguments.of("no readiness probe", "base/gateway.yaml", "          readinessProbe:", "          readinessProbeX:",
                        "container gateway: no readiness probe"),
                Arguments.of("probe on a path that is no health endpoint", "base/inference.yaml",
                        "              path: /q/health/ready", "              path: /healthz",
                        "readiness probe on /healthz, not a health endpoint of lodestar/inference"),
                Arguments.of("probe on an undeclared port", "base/gateway.yaml", "              port: http\n            periodSeconds: 10",
                        "              port: 9000\n            periodSeconds: 10", "liveness probe on port 9000, which the container does not declare"),
                Arguments.of("no limits", "base/inference.yaml", "            limits:\n              cpu: \"2\"\n              memory: 1Gi\n",
                        "", "container inference: no cpu limit"),
                Arguments.of("writable root", "base/keycloak.yaml", "readOnlyRootFilesystem: true", "readOnlyRootFilesystem: false",
                        "init container build: root file system not read-only"),
                Arguments.of("escalation allowed", "base/gateway.yaml", "allowPrivilegeEscalation: false",
                        "allowPrivilegeEscalation: true", "container gateway: privilege escalation not disallowed"),
                Arguments.of("root user", "overlays/dev/postgres.yaml", "            runAsUser: 999\n            runAsGroup: 999\n            readOnly",
                        "            runAsUser: 0\n            runAsGroup: 999\n            readOnly", "StatefulSet postgres container postgres: not set to run as a non-root user"),
                Arguments.of("capabilities kept", "base/inference.yaml", "                - ALL", "                - NET_RAW",
                        "container inference: capabilities not all dropped"),
                Arguments.of("latest image", "base/keycloak.yaml", "keycloak:26.7.3\n          args", "keycloak:latest\n          args",
                        "image quay.io/keycloak/keycloak:latest is not pinned"),
                Arguments.of("untagged image", "base/gateway.yaml", "lodestar/gateway:0.1.0-SNAPSHOT", "lodestar/gateway",
                        "image lodestar/gateway has no tag"),
                Arguments.of("image other than the built one", "base/inference.yaml", "lodestar/inference:0.1.0-SNAPSHOT",
                        "lodestar/inference:0.0.9", "is not the built tag lodestar/inference:"),
                Arguments.of("selector not matching pod labels", "base/inference.yaml",
                        "  selector:\n    matchLabels:\n      app.kubernetes.io/name: inference\n  strategy",
                        "  selector:\n    matchLabels:\n      app.kubernetes.io/name: inferencer\n  strategy",
                        "Deployment inference: selector {app.kubernetes.io/name=inferencer} does not match"),
                Arguments.of("service selecting nothing", "base/gateway.yaml",
                        "spec:\n  selector:\n    app.kubernetes.io/name: gateway\n  ports",
                        "spec:\n  selector:\n    app.kubernetes.io/name: gatewy\n  ports", "Service gateway: selector"),
                Arguments.of("budget selecting nothing", "base/inference.yaml", "  minAvailable: 1\n  selector:\n    matchLabels:\n      app.kubernetes.io/name: inference",
                        "  minAvailable: 1\n  selector:\n    matchLabels:\n      app.kubernetes.io/name: infer", "PodDisruptionBudget inference: selector matches no"),
                Arguments.of("missing ConfigMap key", "base/gateway.yaml", "key: LODESTAR_DRIFT_WINDOW", "key: LODESTAR_DRIFT_WINDOWS",
                        "reads key LODESTAR_DRIFT_WINDOWS that ConfigMap lodestar-config does not have"),
                Arguments.of("secret value in a literal", "base/gateway.yaml",
                        "            - name: LODESTAR_ARTIFACTS_DIR\n", "            - name: LODESTAR_DB_PASSWORD_FILE\n              value: hunter2\n            - name: LODESTAR_ARTIFACTS_DIR\n",
                        "env LODESTAR_DB_PASSWORD_FILE has a literal value"),
                Arguments.of("a Secret with values", "base/config.yaml", "# Settings shared",
                        "apiVersion: v1\nkind: Secret\nmetadata:\n  name: leaked\nstringData:\n  password: hunter2\n---\n# Settings shared",
                        "Secret leaked: has values"),
                Arguments.of("PostgreSQL open to every pod", "overlays/dev/postgres.yaml",
                        "        - podSelector:\n            matchLabels:\n              app.kubernetes.io/name: gateway\n      ports:\n        - port: 5432",
                        "        - podSelector: {}\n      ports:\n        - port: 5432",
                        "a network policy lets pods other than the gateway reach PostgreSQL"),
                Arguments.of("inference open to a namespace", "base/network-policies.yaml",
                        "        - podSelector:\n            matchLabels:\n              lodestar.dev/inference-client: \"true\"",
                        "        - namespaceSelector: {}", "lets unlabelled callers reach inference's gRPC port"),
                Arguments.of("no default deny", "base/network-policies.yaml", "  name: default-deny-ingress\n  labels:\n    app.kubernetes.io/part-of: lodestar\nspec:\n  podSelector: {}",
                        "  name: default-deny-ingress\n  labels:\n    app.kubernetes.io/part-of: lodestar\nspec:\n  podSelector:\n    matchLabels:\n      none: none",
                        "none denies ingress to every pod by default"),
                Arguments.of("metrics exposed", "base/gateway.yaml", "          - path: /api\n", "          - path: /q\n",
                        "Ingress gateway: exposes /q"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("breakages")
    void aBreakageIsReported(String what, String file, String original, String broken, String expected) throws IOException {
        copyManifests();
        breakIn(file, original, broken);

        for (String overlay : Overlays.NAMES) {
            List<String> problems = ManifestRules.check(Kustomize.render(copy.resolve("overlays").resolve(overlay)),
                    Overlays.version());
            if (file.startsWith("base/") || file.startsWith("overlays/" + overlay + "/")) {
                assertThat(problems).as(overlay).anySatisfy(p -> assertThat(p).contains(expected));
            }
        }
    }

    @Test
    void theUnbrokenCopyPasses() throws IOException {
        copyManifests();

        for (String overlay : Overlays.NAMES) {
            assertThat(ManifestRules.check(Kustomize.render(copy.resolve("overlays").resolve(overlay)),
                    Overlays.version())).isEmpty();
        }
    }

    @Test
    void aPatchWithoutTargetAndUnsupportedKustomizeFeaturesAreRefused() throws IOException {
        copyManifests();
        breakIn("overlays/prod/kustomization.yaml", "      name: gateway\n    patch: |-\n      - op: replace\n        path: /spec/replicas",
                "      name: gateways\n    patch: |-\n      - op: replace\n        path: /spec/replicas");
        assertThatThrownBy(() -> Kustomize.render(copy.resolve("overlays/prod")))
                .hasMessageContaining("patch target Deployment/gateways matches 0 objects");

        breakIn("overlays/dev/kustomization.yaml", "namespace: lodestar", "namespace: lodestar\ncommonLabels:\n  a: b");
        assertThatThrownBy(() -> Kustomize.render(copy.resolve("overlays/dev")))
                .hasMessageContaining("kustomization field 'commonLabels' is not supported");
    }

    @Test
    void aRegistryChosenWithSetImageKeepsTheRulesButAnotherTagDoesNot() throws IOException {
        copyManifests();
        breakIn("overlays/prod/kustomization.yaml", "namespace: lodestar\n", "namespace: lodestar\nimages:\n"
                + "  - name: lodestar/gateway\n    newName: registry.example.com/lodestar/gateway\n"
                + "  - name: lodestar/inference\n    newName: registry.example.com/lodestar/inference\n    newTag: 0.0.1\n");

        List<ObjectNode> rendered = Kustomize.render(copy.resolve("overlays/prod"));

        assertThat(rendered.toString()).contains("registry.example.com/lodestar/gateway:" + Overlays.version());
        assertThat(ManifestRules.check(rendered, Overlays.version())).singleElement().asString()
                .contains("image registry.example.com/lodestar/inference:0.0.1 is not the built tag");
    }

    @Test
    void aReferenceToTheGeneratedRealmThatIsNotRewrittenIsReported() throws IOException {
        copyManifests();
        breakIn("overlays/dev/kustomization.yaml", "          configMap:\n            name: lodestar-realm",
                "          configMap:\n            name: lodestar-realms");

        assertThat(ManifestRules.check(Kustomize.render(copy.resolve("overlays/dev")), Overlays.version()))
                .anySatisfy(p -> assertThat(p).contains("mounts ConfigMap lodestar-realms, which is not in the manifests"));
    }

    private void copyManifests() throws IOException {
        Path source = Overlays.k8sFolder();
        for (String folder : List.of("base", "overlays/dev", "overlays/prod")) {
            Files.createDirectories(copy.resolve(folder));
            try (Stream<Path> files = Files.list(source.resolve(folder))) {
                for (Path file : files.toList()) {
                    Files.copy(file, copy.resolve(folder).resolve(file.getFileName()),
                            java.nio.file.StandardCopyOption.REPLACE_EXISTING);
                }
            }
        }
    }

    private void breakIn(String file, String original, String broken) throws IOException {
        Path path = copy.resolve(file);
        String text = Files.readString(path);
        assertThat(text).as("%s contains the text to break", file).contains(original);
        Files.writeString(path, text.replaceFirst(java.util.regex.Pattern.quote(original),
                java.util.regex.Matcher.quoteReplacement(broken)));
    }
}
