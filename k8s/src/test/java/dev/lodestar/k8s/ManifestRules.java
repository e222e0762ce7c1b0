package dev.lodestar.k8s;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.node.ObjectNode;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.EnvFromSource;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.HTTPGetAction;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.PodSecurityContext;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.ResourceRequirements;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecurityContext;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyIngressRule;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPeer;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPort;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;

/**
 * What every rendered overlay must satisfy; {@link #check} lists each breach in a sentence naming the object.
 * The rules: objects valid against the Kubernetes model; every container with resource requests and limits,
 * non-root, a read-only root file system, no privilege escalation and no capabilities; every long-running
 * container with startup, readiness and liveness probes on a port it declares, and Lodestar's own on their real
 * health endpoints; images pinned, Lodestar's at the project version; selectors matching pod labels; references
 * to ConfigMaps and claims resolvable; no Secret with values; network policies that deny by default, let only
 * the gateway reach PostgreSQL and only labelled callers (and the gateway) reach inference.
 */
final class ManifestRules {

    static final String NAME_LABEL = "app.kubernetes.io/name";
    static final String INFERENCE_CLIENT_LABEL = "lodestar.dev/inference-client";

    /** Health endpoints the apps serve: Quarkus SmallRye Health on the gateway, the inference management server. */
    static final Map<String, Set<String>> HEALTH_PATHS = Map.of(
            "lodestar/gateway", Set.of("/q/health/started", "/q/health/ready", "/q/health/live"),
            "lodestar/inference", Set.of("/q/health/ready", "/q/health/live"),
            "quay.io/keycloak/keycloak", Set.of("/health/started", "/health/ready", "/health/live"));

    private final String version;
    private final List<String> problems = new ArrayList<>();
    private final List<HasMetadata> objects = new ArrayList<>();

    private ManifestRules(String version) {
        this.version = version;
    }

    /** The breaches of the rules by {@code rendered}; empty when it satisfies all. */
    static List<String> check(List<ObjectNode> rendered, String version) {
        ManifestRules rules = new ManifestRules(version);
        for (ObjectNode node : rendered) {
            HasMetadata object = KubernetesModel.read(node, rules.problems);
            if (object != null) {
                rules.objects.add(object);
            }
        }
        rules.checkWorkloads();
        rules.checkServices();
        rules.checkDisruptionBudgetsAndAutoscalers();
        rules.checkSecrets();
        rules.checkNetworkPolicies();
        rules.checkIngresses();
        return rules.problems;
    }

    private record Workload(String name, LabelSelector selector, PodTemplateSpec template) {
        Map<String, String> labels() {
            return Optional.ofNullable(template.getMetadata().getLabels()).orElse(Map.of());
        }
    }

    private List<Workload> workloads() {
        List<Workload> workloads = new ArrayList<>();
        for (HasMetadata object : objects) {
            if (object instanceof Deployment d) {
                workloads.add(new Workload("Deployment " + name(d), d.getSpec().getSelector(), d.getSpec().getTemplate()));
            } else if (object instanceof StatefulSet s) {
                workloads.add(new Workload("StatefulSet " + name(s), s.getSpec().getSelector(), s.getSpec().getTemplate()));
            }
        }
        return workloads;
    }

    private void checkWorkloads() {
        for (Workload workload : workloads()) {
            if (!matches(workload.selector(), workload.labels())) {
                problems.add(workload.name() + ": selector " + describe(workload.selector())
                        + " does not match its pod labels " + workload.labels());
            }
            PodSpec pod = workload.template().getSpec();
            for (Container container : pod.getInitContainers()) {
                checkContainer(workload.name() + " init container " + container.getName(), container, pod, false);
            }
            for (Container container : pod.getContainers()) {
                checkContainer(workload.name() + " container " + container.getName(), container, pod, true);
            }
            checkReferences(workload, pod);
        }
    }

    private void checkContainer(String where, Container container, PodSpec pod, boolean longRunning) {
        checkImage(where, container.getImage());
        ResourceRequirements resources = container.getResources();
        for (String resource : List.of("cpu", "memory")) {
            if (resources == null || resources.getRequests() == null || !resources.getRequests().containsKey(resource)) {
                problems.add(where + ": no " + resource + " request");
            }
            if (resources == null || resources.getLimits() == null || !resources.getLimits().containsKey(resource)) {
                problems.add(where + ": no " + resource + " limit");
            }
        }
        SecurityContext security = Optional.ofNullable(container.getSecurityContext()).orElse(new SecurityContext());
        PodSecurityContext podSecurity = Optional.ofNullable(pod.getSecurityContext()).orElse(new PodSecurityContext());
        boolean nonRoot = Boolean.TRUE.equals(Optional.ofNullable(security.getRunAsNonRoot())
                .orElse(podSecurity.getRunAsNonRoot()));
        Long user = Optional.ofNullable(security.getRunAsUser()).orElse(podSecurity.getRunAsUser());
        if (!nonRoot || user == null || user == 0) {
            problems.add(where + ": not set to run as a non-root user (runAsNonRoot and a runAsUser other than 0)");
        }
        if (!Boolean.TRUE.equals(security.getReadOnlyRootFilesystem())) {
            problems.add(where + ": root file system not read-only");
        }
        if (!Boolean.FALSE.equals(security.getAllowPrivilegeEscalation())) {
            problems.add(where + ": privilege escalation not disallowed");
        }
        if (security.getPrivileged() != null && security.getPrivileged()) {
            problems.add(where + ": privileged");
        }
        if (security.getCapabilities() == null || !security.getCapabilities().getDrop().contains("ALL")
                || !security.getCapabilities().getAdd().isEmpty()) {
            problems.add(where + ": capabilities not all dropped");
        }
        if (longRunning) {
            checkProbe(where, "startup", container.getStartupProbe(), container);
            checkProbe(where, "readiness", container.getReadinessProbe(), container);
            checkProbe(where, "liveness", container.getLivenessProbe(), container);
        }
    }

    private void checkImage(String where, String image) {
        if (image == null || image.isBlank()) {
            problems.add(where + ": no image");
            return;
        }
        int slash = image.lastIndexOf('/');
        int colon = image.lastIndexOf(':');
        if (image.contains("@sha256:")) {
            return;
        }
        if (colon < slash || colon < 0) {
            problems.add(where + ": image " + image + " has no tag");
            return;
        }
        String repository = image.substring(0, colon);
        String tag = image.substring(colon + 1);
        if (tag.equals("latest") || !tag.matches("v?\\d+(\\.\\d+)*([.-][A-Za-z0-9.]+)?")) {
            problems.add(where + ": image " + image + " is not pinned to a version");
        }
        if (repository.matches("(.+/)?lodestar/(gateway|inference)") && !tag.equals(version)) {
            problems.add(where + ": image " + image + " is not the built tag " + repository + ":" + version);
        }
    }

    private void checkProbe(String where, String kind, Probe probe, Container container) {
        if (probe == null) {
            problems.add(where + ": no " + kind + " probe");
            return;
        }
        HTTPGetAction http = probe.getHttpGet();
        if (http != null) {
            if (!declaresPort(container, http.getPort())) {
                problems.add(where + ": " + kind + " probe on port " + portText(http.getPort())
                        + ", which the container does not declare");
            }
            String image = container.getImage() == null ? "" : container.getImage();
            String repository = image.lastIndexOf(':') > image.lastIndexOf('/') ? image.substring(0, image.lastIndexOf(':'))
                    : image;
            Set<String> paths = HEALTH_PATHS.get(repository.replaceFirst("^.+/(lodestar/(gateway|inference))$", "$1"));
            if (paths != null && !paths.contains(http.getPath())) {
                problems.add(where + ": " + kind + " probe on " + http.getPath() + ", not a health endpoint of "
                        + repository + " " + paths);
            }
        } else if (probe.getExec() == null && probe.getGrpc() == null && probe.getTcpSocket() == null) {
            problems.add(where + ": " + kind + " probe has no action");
        }
    }

    private static boolean declaresPort(Container container, IntOrString port) {
        for (ContainerPort declared : container.getPorts()) {
            if (port.getIntVal() != null ? port.getIntVal().equals(declared.getContainerPort())
                    : port.getStrVal().equals(declared.getName())) {
                return true;
            }
        }
        return false;
    }

    private void checkReferences(Workload workload, PodSpec pod) {
        Stream.concat(pod.getContainers().stream(), pod.getInitContainers().stream()).forEach(container -> {
            for (EnvVar env : container.getEnv()) {
                if (env.getValueFrom() != null && env.getValueFrom().getConfigMapKeyRef() != null) {
                    String map = env.getValueFrom().getConfigMapKeyRef().getName();
                    String key = env.getValueFrom().getConfigMapKeyRef().getKey();
                    Optional<ConfigMap> found = configMap(map);
                    if (found.isEmpty()) {
                        problems.add(workload.name() + ": env " + env.getName() + " reads ConfigMap " + map
                                + ", which is not in the manifests");
                    } else if (found.get().getData() == null || !found.get().getData().containsKey(key)) {
                        problems.add(workload.name() + ": env " + env.getName() + " reads key " + key
                                + " that ConfigMap " + map + " does not have");
                    }
                }
                if (env.getValue() != null && env.getName().matches(".*(PASSWORD|SECRET|FORM_KEY).*")) {
                    problems.add(workload.name() + ": env " + env.getName() + " has a literal value; take it from a Secret");
                }
            }
            for (EnvFromSource from : container.getEnvFrom()) {
                if (from.getConfigMapRef() != null && configMap(from.getConfigMapRef().getName()).isEmpty()) {
                    problems.add(workload.name() + ": envFrom ConfigMap " + from.getConfigMapRef().getName()
                            + " is not in the manifests");
                }
            }
        });
        for (Volume volume : pod.getVolumes()) {
            if (volume.getConfigMap() != null && configMap(volume.getConfigMap().getName()).isEmpty()) {
                problems.add(workload.name() + ": volume " + volume.getName() + " mounts ConfigMap "
                        + volume.getConfigMap().getName() + ", which is not in the manifests");
            }
            if (volume.getPersistentVolumeClaim() != null && objects.stream()
                    .noneMatch(o -> o instanceof PersistentVolumeClaim
                            && name(o).equals(volume.getPersistentVolumeClaim().getClaimName()))) {
                problems.add(workload.name() + ": volume " + volume.getName() + " claims "
                        + volume.getPersistentVolumeClaim().getClaimName() + ", which is not in the manifests");
            }
        }
    }

    private Optional<ConfigMap> configMap(String name) {
        return objects.stream().filter(o -> o instanceof ConfigMap && name(o).equals(name))
                .map(ConfigMap.class::cast).findFirst();
    }

    private void checkServices() {
        for (HasMetadata object : objects) {
            if (object instanceof Service service) {
                Map<String, String> selector = service.getSpec().getSelector();
                if (selector == null || selector.isEmpty()) {
                    problems.add("Service " + name(service) + ": no selector");
                    continue;
                }
                Optional<Workload> target = workloads().stream()
                        .filter(w -> w.labels().entrySet().containsAll(selector.entrySet())).findFirst();
                if (target.isEmpty()) {
                    problems.add("Service " + name(service) + ": selector " + selector + " matches no workload's pods");
                    continue;
                }
                Container first = target.get().template().getSpec().getContainers().get(0);
                service.getSpec().getPorts().forEach(port -> {
                    IntOrString targetPort = port.getTargetPort() == null ? new IntOrString(port.getPort())
                            : port.getTargetPort();
                    if (!declaresPort(first, targetPort)) {
                        problems.add("Service " + name(service) + ": target port " + portText(targetPort)
                                + " is not declared by " + target.get().name());
                    }
                });
            }
        }
    }

    private void checkDisruptionBudgetsAndAutoscalers() {
        for (HasMetadata object : objects) {
            if (object instanceof PodDisruptionBudget budget
                    && workloads().stream().noneMatch(w -> matches(budget.getSpec().getSelector(), w.labels()))) {
                problems.add("PodDisruptionBudget " + name(budget) + ": selector matches no workload's pods");
            }
            if (object instanceof HorizontalPodAutoscaler autoscaler) {
                var target = autoscaler.getSpec().getScaleTargetRef();
                if (objects.stream().noneMatch(o -> o.getKind().equals(target.getKind()) && name(o).equals(target.getName()))) {
                    problems.add("HorizontalPodAutoscaler " + name(autoscaler) + ": scales " + target.getKind() + " "
                            + target.getName() + ", which is not in the manifests");
                }
            }
        }
    }

    private void checkSecrets() {
        for (HasMetadata object : objects) {
            if (object instanceof Secret secret && ((secret.getData() != null && !secret.getData().isEmpty())
                    || (secret.getStringData() != null && !secret.getStringData().isEmpty()))) {
                problems.add("Secret " + name(secret) + ": has values; Secrets are created outside the repository");
            }
        }
    }

    private void checkNetworkPolicies() {
        List<NetworkPolicy> policies = objects.stream().filter(NetworkPolicy.class::isInstance)
                .map(NetworkPolicy.class::cast).toList();
        boolean denyAll = policies.stream().anyMatch(p -> p.getSpec().getPodSelector().getMatchLabels().isEmpty()
                && p.getSpec().getPodSelector().getMatchExpressions().isEmpty()
                && p.getSpec().getPolicyTypes().contains("Ingress") && p.getSpec().getIngress().isEmpty());
        if (!denyAll) {
            problems.add("NetworkPolicy: none denies ingress to every pod by default");
        }
        for (Workload workload : workloads()) {
            String app = workload.labels().get(NAME_LABEL);
            List<NetworkPolicyIngressRule> rules = policies.stream()
                    .filter(p -> matches(p.getSpec().getPodSelector(), workload.labels()))
                    .flatMap(p -> p.getSpec().getIngress().stream()).toList();
            if ("postgres".equals(app)) {
                for (NetworkPolicyIngressRule rule : rules) {
                    if (rule.getFrom().isEmpty() || !rule.getFrom().stream().allMatch(ManifestRules::isGatewayPeer)) {
                        problems.add(workload.name() + ": a network policy lets pods other than the gateway reach PostgreSQL");
                    }
                }
            }
            if ("inference".equals(app)) {
                for (NetworkPolicyIngressRule rule : rules) {
                    if (opensPort(rule, 9090, "grpc") && (rule.getFrom().isEmpty()
                            || !rule.getFrom().stream().allMatch(p -> isGatewayPeer(p) || isInferenceClientPeer(p)))) {
                        problems.add(workload.name() + ": a network policy lets unlabelled callers reach inference's gRPC port");
                    }
                }
            }
        }
    }

    private static boolean opensPort(NetworkPolicyIngressRule rule, int number, String name) {
        if (rule.getPorts().isEmpty()) {
            return true;
        }
        for (NetworkPolicyPort port : rule.getPorts()) {
            IntOrString p = port.getPort();
            if (p == null || Objects.equals(p.getIntVal(), number) || name.equals(p.getStrVal())) {
                return true;
            }
        }
        return false;
    }

    private static boolean isGatewayPeer(NetworkPolicyPeer peer) {
        return onlyPods(peer) && "gateway".equals(peer.getPodSelector().getMatchLabels().get(NAME_LABEL));
    }

    private static boolean isInferenceClientPeer(NetworkPolicyPeer peer) {
        return onlyPods(peer) && "true".equals(peer.getPodSelector().getMatchLabels().get(INFERENCE_CLIENT_LABEL));
    }

    private static boolean onlyPods(NetworkPolicyPeer peer) {
        return peer.getNamespaceSelector() == null && peer.getIpBlock() == null && peer.getPodSelector() != null
                && peer.getPodSelector().getMatchExpressions().isEmpty();
    }

    private void checkIngresses() {
        for (HasMetadata object : objects) {
            if (object instanceof Ingress ingress) {
                ingress.getSpec().getRules().forEach(rule -> rule.getHttp().getPaths().forEach(path -> {
                    var backend = path.getBackend().getService();
                    boolean exists = objects.stream().anyMatch(o -> o instanceof Service s && name(s).equals(backend.getName())
                            && s.getSpec().getPorts().stream().anyMatch(p -> backend.getPort().getName() != null
                                    ? backend.getPort().getName().equals(p.getName())
                                    : Objects.equals(backend.getPort().getNumber(), p.getPort())));
                    if (!exists) {
                        problems.add("Ingress " + name(ingress) + ": path " + path.getPath() + " goes to service "
                                + backend.getName() + " on a port it does not have");
                    }
                    if (path.getPath().startsWith("/q")) {
                        problems.add("Ingress " + name(ingress) + ": exposes " + path.getPath());
                    }
                }));
            }
        }
    }

    private static boolean matches(LabelSelector selector, Map<String, String> labels) {
        if (selector == null || (selector.getMatchLabels().isEmpty() && selector.getMatchExpressions().isEmpty())) {
            return false;
        }
        if (!selector.getMatchExpressions().isEmpty()) {
            throw new IllegalStateException("matchExpressions are not used in these manifests");
        }
        return labels.entrySet().containsAll(selector.getMatchLabels().entrySet());
    }

    private static String describe(LabelSelector selector) {
        return selector == null ? "(none)" : String.valueOf(selector.getMatchLabels());
    }

    private static String portText(IntOrString port) {
        return port.getIntVal() != null ? port.getIntVal().toString() : port.getStrVal();
    }

    private static String name(HasMetadata object) {
        return object.getMetadata().getName();
    }
}
