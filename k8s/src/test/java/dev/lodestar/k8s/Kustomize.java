package dev.lodestar.k8s;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.core.JsonPointer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLParser;

/**
 * Renders a kustomization the way {@code kubectl kustomize} (Kustomize v5) does, for the features Lodestar's
 * manifests use: {@code resources} (files and kustomization folders), {@code namespace},
 * {@code configMapGenerator} (files and literals, with the content hash suffix and the references to the map
 * rewritten), {@code patches} with a kind and name target and an inline JSON 6902 patch, and {@code images}
 * (what {@code kustomize edit set image} writes: newName, newTag). Anything else in a
 * kustomization is refused, so a manifest that needs more cannot pass unnoticed.
 */
final class Kustomize {

    /** A kustomization that cannot be rendered. */
    static final class RenderException extends RuntimeException {
        RenderException(String message) {
            super(message);
        }
    }

    private static final Set<String> FIELDS = Set.of("apiVersion", "kind", "resources", "namespace",
            "configMapGenerator", "patches", "images");
    private static final Set<String> CLUSTER_KINDS = Set.of("Namespace", "ClusterRole", "ClusterRoleBinding",
            "PersistentVolume", "StorageClass", "CustomResourceDefinition");

    static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    private Kustomize() {
    }

    /** The objects the kustomization in {@code folder} renders, in resource order. */
    static List<ObjectNode> render(Path folder) {
        ObjectNode kustomization = (ObjectNode) readOne(folder.resolve("kustomization.yaml"));
        kustomization.fieldNames().forEachRemaining(field -> {
            if (!FIELDS.contains(field)) {
                throw new RenderException(folder + ": kustomization field '" + field + "' is not supported");
            }
        });
        if (!"Kustomization".equals(kustomization.path("kind").asText())
                || !"kustomize.config.k8s.io/v1beta1".equals(kustomization.path("apiVersion").asText())) {
            throw new RenderException(folder + ": not a kustomize.config.k8s.io/v1beta1 Kustomization");
        }
        List<ObjectNode> objects = new ArrayList<>();
        for (JsonNode resource : kustomization.path("resources")) {
            Path path = folder.resolve(resource.asText()).normalize();
            if (Files.isDirectory(path)) {
                objects.addAll(render(path));
            } else if (Files.isRegularFile(path)) {
                objects.addAll(readAll(path));
            } else {
                throw new RenderException(folder + ": resource " + resource.asText() + " does not exist");
            }
        }
        Map<String, String> renamed = new LinkedHashMap<>();
        for (JsonNode generator : kustomization.path("configMapGenerator")) {
            ObjectNode map = configMap(folder, generator);
            renamed.put(generator.path("name").asText(), map.path("metadata").path("name").asText());
            objects.add(map);
        }
        for (JsonNode patch : kustomization.path("patches")) {
            applyPatch(folder, objects, patch);
        }
        for (JsonNode image : kustomization.path("images")) {
            setImage(objects, image);
        }
        String namespace = kustomization.path("namespace").asText(null);
        for (ObjectNode object : objects) {
            if (namespace != null && !CLUSTER_KINDS.contains(object.path("kind").asText())) {
                ((ObjectNode) object.path("metadata")).put("namespace", namespace);
            }
            rewriteConfigMapNames(object, renamed);
        }
        checkUnique(objects);
        return objects;
    }

    private static ObjectNode configMap(Path folder, JsonNode generator) {
        Set<String> known = Set.of("name", "files", "literals");
        generator.fieldNames().forEachRemaining(field -> {
            if (!known.contains(field)) {
                throw new RenderException(folder + ": configMapGenerator field '" + field + "' is not supported");
            }
        });
        ObjectNode data = YAML.createObjectNode();
        for (JsonNode file : generator.path("files")) {
            String spec = file.asText();
            int eq = spec.indexOf('=');
            String key = eq < 0 ? Path.of(spec).getFileName().toString() : spec.substring(0, eq);
            Path source = folder.resolve(eq < 0 ? spec : spec.substring(eq + 1));
            try {
                data.put(key, Files.readString(source, StandardCharsets.UTF_8));
            } catch (IOException e) {
                throw new RenderException(folder + ": configMapGenerator file " + source + " cannot be read");
            }
        }
        for (JsonNode literal : generator.path("literals")) {
            String[] pair = literal.asText().split("=", 2);
            data.put(pair[0], pair.length > 1 ? pair[1] : "");
        }
        String name = generator.path("name").asText();
        ObjectNode map = YAML.createObjectNode();
        map.put("apiVersion", "v1");
        map.put("kind", "ConfigMap");
        map.putObject("metadata").put("name", name + "-" + hash(name, data));
        map.set("data", data);
        return map;
    }

    /**
     * Kustomize's suffix: the SHA-256 of the map's JSON encoding ({@code {"data":..,"kind":"ConfigMap","name":..}}
     * with sorted keys), its first ten hex digits with vowels and look-alikes swapped for other letters.
     */
    private static String hash(String name, ObjectNode data) {
        ObjectMapper json = new ObjectMapper().configure(
                com.fasterxml.jackson.databind.SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS, true);
        Map<String, Object> encoded = new java.util.TreeMap<>();
        encoded.put("data", json.convertValue(data, java.util.TreeMap.class));
        encoded.put("kind", "ConfigMap");
        encoded.put("name", name);
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(json.writeValueAsBytes(encoded));
            StringBuilder suffix = new StringBuilder();
            for (char c : HexFormat.of().formatHex(digest).substring(0, 10).toCharArray()) {
                suffix.append(switch (c) {
                    case '0' -> 'g';
                    case '1' -> 'h';
                    case '3' -> 'k';
                    case 'a' -> 'm';
                    case 'e' -> 't';
                    default -> c;
                });
            }
            return suffix.toString();
        } catch (NoSuchAlgorithmException | IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void applyPatch(Path folder, List<ObjectNode> objects, JsonNode patch) {
        JsonNode target = patch.path("target");
        String kind = target.path("kind").asText(null);
        String name = target.path("name").asText(null);
        if (kind == null || name == null || !patch.has("patch") || patch.size() != 2) {
            throw new RenderException(folder + ": a patch needs a target kind and name and an inline patch");
        }
        JsonNode operations = parse(patch.path("patch").asText());
        if (!operations.isArray()) {
            throw new RenderException(folder + ": only JSON 6902 patches (a list of operations) are supported");
        }
        List<ObjectNode> targets = objects.stream()
                .filter(o -> kind.equals(o.path("kind").asText()) && name.equals(o.path("metadata").path("name").asText()))
                .toList();
        if (targets.size() != 1) {
            throw new RenderException(folder + ": patch target " + kind + "/" + name + " matches " + targets.size()
                    + " objects");
        }
        for (JsonNode operation : operations) {
            apply(targets.get(0), operation, folder + ": patch of " + kind + "/" + name);
        }
    }

    private static void apply(ObjectNode document, JsonNode operation, String where) {
        String op = operation.path("op").asText();
        String path = operation.path("path").asText();
        JsonPointer pointer = JsonPointer.compile(path);
        JsonNode parent = document.at(pointer.head());
        String last = pointer.last().getMatchingProperty();
        if (parent.isMissingNode()) {
            throw new RenderException(where + ": " + op + " " + path + ": the parent does not exist");
        }
        switch (op) {
            case "add" -> {
                JsonNode value = operation.path("value").deepCopy();
                if (parent instanceof ArrayNode array) {
                    if (last.equals("-")) {
                        array.add(value);
                    } else {
                        array.insert(index(array, last, true, where), value);
                    }
                } else if (parent instanceof ObjectNode object) {
                    object.set(last, value);
                } else {
                    throw new RenderException(where + ": add " + path + ": the parent is not a list or map");
                }
            }
            case "replace", "remove" -> {
                if (document.at(pointer).isMissingNode()) {
                    throw new RenderException(where + ": " + op + " " + path + ": nothing there");
                }
                if (parent instanceof ArrayNode array) {
                    int i = index(array, last, false, where);
                    if (op.equals("remove")) {
                        array.remove(i);
                    } else {
                        array.set(i, operation.path("value").deepCopy());
                    }
                } else if (op.equals("remove")) {
                    ((ObjectNode) parent).remove(last);
                } else {
                    ((ObjectNode) parent).set(last, operation.path("value").deepCopy());
                }
            }
            default -> throw new RenderException(where + ": operation '" + op + "' is not supported");
        }
    }

    /** Replaces the name and/or tag of every container image whose name (without tag) is the entry's name. */
    private static void setImage(List<ObjectNode> objects, JsonNode image) {
        String name = image.path("name").asText();
        for (ObjectNode object : objects) {
            for (String list : List.of("containers", "initContainers")) {
                for (JsonNode container : object.at("/spec/template/spec/" + list)) {
                    String current = container.path("image").asText();
                    int colon = current.lastIndexOf(':');
                    String repository = colon > current.lastIndexOf('/') ? current.substring(0, colon) : current;
                    String tag = colon > current.lastIndexOf('/') ? current.substring(colon + 1) : null;
                    if (repository.equals(name)) {
                        String newName = image.path("newName").asText(repository);
                        String newTag = image.path("newTag").asText(tag);
                        ((ObjectNode) container).put("image", newTag == null ? newName : newName + ":" + newTag);
                    }
                }
            }
        }
    }

    private static int index(ArrayNode array, String token, boolean forInsert, String where) {
        try {
            int i = Integer.parseInt(token);
            if (i < 0 || i > array.size() || (!forInsert && i == array.size())) {
                throw new RenderException(where + ": index " + i + " out of range");
            }
            return i;
        } catch (NumberFormatException e) {
            throw new RenderException(where + ": '" + token + "' is not a list index");
        }
    }

    /** Points the references to a generated map (volumes, envFrom, env valueFrom) at its hashed name. */
    private static void rewriteConfigMapNames(JsonNode node, Map<String, String> renamed) {
        if (renamed.isEmpty()) {
            return;
        }
        if (node instanceof ObjectNode object) {
            for (String holder : List.of("configMap", "configMapRef", "configMapKeyRef")) {
                JsonNode ref = object.get(holder);
                if (ref instanceof ObjectNode refObject && renamed.containsKey(refObject.path("name").asText())) {
                    refObject.put("name", renamed.get(refObject.path("name").asText()));
                }
            }
            Iterator<JsonNode> children = object.elements();
            children.forEachRemaining(child -> rewriteConfigMapNames(child, renamed));
        } else if (node instanceof ArrayNode array) {
            array.forEach(child -> rewriteConfigMapNames(child, renamed));
        }
    }

    private static void checkUnique(List<ObjectNode> objects) {
        Set<String> seen = new java.util.HashSet<>();
        for (ObjectNode object : objects) {
            String id = object.path("kind").asText() + "/" + object.path("metadata").path("name").asText();
            if (!seen.add(id)) {
                throw new RenderException("two objects are both " + id);
            }
        }
    }

    private static JsonNode readOne(Path file) {
        List<ObjectNode> documents = readAll(file);
        if (documents.size() != 1) {
            throw new RenderException(file + ": expected one document");
        }
        return documents.get(0);
    }

    static List<ObjectNode> readAll(Path file) {
        List<ObjectNode> documents = new ArrayList<>();
        try (YAMLParser parser = ((YAMLFactory) YAML.getFactory()).createParser(file.toFile())) {
            Iterator<JsonNode> it = YAML.readValues(parser, JsonNode.class);
            while (it.hasNext()) {
                JsonNode document = it.next();
                if (document == null || document.isNull() || document.isMissingNode()) {
                    continue;
                }
                if (!(document instanceof ObjectNode object)) {
                    throw new RenderException(file + ": a document is not a map");
                }
                documents.add(object);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(file + ": " + e.getMessage(), e);
        }
        return documents;
    }

    private static JsonNode parse(String yaml) {
        try {
            return YAML.readTree(yaml);
        } catch (IOException e) {
            throw new RenderException("patch is not YAML: " + e.getMessage());
        }
    }
}
