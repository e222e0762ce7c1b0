package dev.lodestar.k8s;

import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.Collection;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;

/**
 * Reads rendered objects into the Kubernetes API model (fabric8's classes, generated from the API's OpenAPI
 * schema): a wrong type fails to read, and a field the API does not know, which the model would keep aside in
 * its additional properties, is reported with its path.
 */
final class KubernetesModel {

    /** The kinds Lodestar's manifests may contain, by apiVersion and kind. */
    static final Map<String, Class<? extends HasMetadata>> KINDS = Map.ofEntries(
            Map.entry("v1/ConfigMap", ConfigMap.class),
            Map.entry("v1/Secret", Secret.class),
            Map.entry("v1/Service", Service.class),
            Map.entry("v1/PersistentVolumeClaim", PersistentVolumeClaim.class),
            Map.entry("apps/v1/Deployment", Deployment.class),
            Map.entry("apps/v1/StatefulSet", StatefulSet.class),
            Map.entry("autoscaling/v2/HorizontalPodAutoscaler", HorizontalPodAutoscaler.class),
            Map.entry("policy/v1/PodDisruptionBudget", PodDisruptionBudget.class),
            Map.entry("networking.k8s.io/v1/Ingress", Ingress.class),
            Map.entry("networking.k8s.io/v1/NetworkPolicy", NetworkPolicy.class));

    private static final ObjectMapper JSON = new ObjectMapper()
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .disable(com.fasterxml.jackson.databind.MapperFeature.ALLOW_COERCION_OF_SCALARS);

    private KubernetesModel() {
    }

    /** The typed object, or the reason it is not a valid one (added to {@code problems}). */
    static HasMetadata read(ObjectNode node, List<String> problems) {
        String id = node.path("apiVersion").asText() + "/" + node.path("kind").asText();
        String name = id + " " + node.path("metadata").path("name").asText();
        Class<? extends HasMetadata> type = KINDS.get(id);
        if (type == null) {
            problems.add(name + ": unknown kind " + id);
            return null;
        }
        HasMetadata object;
        try {
            object = JSON.treeToValue(node, type);
        } catch (Exception e) {
            problems.add(name + ": not a valid " + id + ": " + e.getMessage().lines().findFirst().orElse(""));
            return null;
        }
        unknownFields(object, "", name, problems, new IdentityHashMap<>());
        return object;
    }

    private static void unknownFields(Object value, String path, String name, List<String> problems,
            IdentityHashMap<Object, Boolean> seen) {
        if (value == null || seen.put(value, Boolean.TRUE) != null) {
            return;
        }
        if (value instanceof Collection<?> collection) {
            int i = 0;
            for (Object item : collection) {
                unknownFields(item, path + "[" + i++ + "]", name, problems, seen);
            }
            return;
        }
        if (value instanceof Map<?, ?> map) {
            map.forEach((key, item) -> unknownFields(item, path + "." + key, name, problems, seen));
            return;
        }
        if (!value.getClass().getName().startsWith("io.fabric8.kubernetes.api.model")) {
            return;
        }
        for (Method getter : value.getClass().getMethods()) {
            if (getter.getParameterCount() != 0 || Modifier.isStatic(getter.getModifiers())
                    || !getter.getName().startsWith("get") || getter.getName().equals("getClass")) {
                continue;
            }
            Object child;
            try {
                child = getter.invoke(value);
            } catch (ReflectiveOperationException e) {
                continue;
            }
            if (getter.getName().equals("getAdditionalProperties")) {
                if (child instanceof Map<?, ?> extra && !extra.isEmpty()) {
                    problems.add(name + ": unknown field " + (path.isEmpty() ? "" : path + ".") + extra.keySet());
                }
                continue;
            }
            if (SKIPPED.contains(getter.getName())) {
                continue;
            }
            String field = Character.toLowerCase(getter.getName().charAt(3)) + getter.getName().substring(4);
            unknownFields(child, path.isEmpty() ? field : path + "." + field, name, problems, seen);
        }
    }

    /** Getters that compute rather than read a field. */
    private static final Set<String> SKIPPED = Set.of("getPlural", "getSingular", "getFullResourceName",
            "getMarkedForDeletion", "getFinalizers");
}
