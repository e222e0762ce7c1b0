package dev.lodestar.lineage;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;

import dev.lodestar.experiments.RunIds;
import dev.lodestar.graphql.ApiException;

/**
 * Reads the lineage graph: bounded traversals from a node, and display names for nodes.
 *
 * <p>A traversal follows edges level by level, one query per level and direction ({@code from_node} leads the
 * edge table's primary key, {@code to_node} has its own index), so its cost is bounded by the depth asked for and
 * by {@link LineageConfig#maxNodes()}, not by the size of the graph. Display names are resolved in one query per
 * kind of node present.
 */
@ApplicationScoped
@Transactional(Transactional.TxType.SUPPORTS)
public class Lineage {

    private final EntityManager entityManager;
    private final LineageConfig config;

    Lineage(EntityManager entityManager, LineageConfig config) {
        this.entityManager = entityManager;
        this.config = config;
    }

    /**
     * The graph around {@code nodeId}, following edges {@code direction} up to {@code depth} steps.
     *
     * @throws ApiException {@code INVALID_ARGUMENT} for a depth outside 0 to the configured maximum, {@code NOT_FOUND}
     *                      for a node that neither has edges nor names something Lodestar knows
     */
    public LineageGraph graph(String nodeId, LineageDirection direction, int depth) {
        if (nodeId == null || nodeId.isBlank() || nodeId.indexOf(':') < 1) {
            throw ApiException.invalid("nodeId must be kind:key, e.g. model:churn:3; got '" + nodeId + "'");
        }
        if (depth < 0 || depth > config.maxDepth()) {
            throw ApiException.invalid("depth must be between 0 and " + config.maxDepth() + ", got " + depth);
        }
        if (direction == null) {
            throw ApiException.invalid("direction is required");
        }
        Set<String> nodes = new LinkedHashSet<>();
        nodes.add(nodeId);
        Map<List<String>, LineageEdge> edges = new LinkedHashMap<>();
        boolean truncated = false;
        if (direction != LineageDirection.DOWNSTREAM) {
            truncated = walk(nodeId, false, depth, nodes, edges);
        }
        if (direction != LineageDirection.UPSTREAM && !truncated) {
            truncated = walk(nodeId, true, depth, nodes, edges);
        }
        if (edges.isEmpty() && !exists(nodeId)) {
            throw ApiException.notFound("no lineage node '" + nodeId + "'");
        }
        List<LineageEdge> kept = edges.values().stream().filter(e -> nodes.contains(e.from()) && nodes.contains(e.to())).toList();
        return new LineageGraph(nodes(nodes), kept, truncated);
    }

    /** Follows edges one way from {@code start}; true when the node limit stopped it. */
    private boolean walk(String start, boolean downstream, int depth, Set<String> nodes, Map<List<String>, LineageEdge> edges) {
        Set<String> seen = new LinkedHashSet<>(List.of(start));
        List<String> frontier = List.of(start);
        for (int level = 0; level < depth && !frontier.isEmpty(); level++) {
            List<String> next = new ArrayList<>();
            List<Object[]> rows = edgesOf(frontier, downstream);
            for (Object[] row : rows) {
                LineageEdge edge = new LineageEdge((String) row[0], (String) row[1], (String) row[2], toInstant(row[3]));
                String other = downstream ? edge.to() : edge.from();
                if (!nodes.contains(other) && nodes.size() >= config.maxNodes()) {
                    return true;
                }
                edges.putIfAbsent(List.of(edge.from(), edge.to(), edge.kind()), edge);
                nodes.add(other);
                if (seen.add(other)) {
                    next.add(other);
                }
            }
            if (rows.size() == edgeLimit()) {
                return true;
            }
            frontier = next;
        }
        return false;
    }

    /**
     * The most edges one level reads: a node with a very wide fan-out (a deployment has an edge per window of
     * traffic) is cut there, and the graph says it was cut.
     */
    private int edgeLimit() {
        return 4 * config.maxNodes();
    }

    @SuppressWarnings("unchecked")
    private List<Object[]> edgesOf(Collection<String> frontier, boolean downstream) {
        String column = downstream ? "from_node" : "to_node";
        return entityManager.createNativeQuery("select from_node, to_node, kind, created_at from lineage_edge where " + column
                + " in (:nodes) order by created_at, from_node, to_node, kind").setParameter("nodes", frontier)
                .setMaxResults(edgeLimit()).getResultList();
    }

    /** The edges of a node, both ways. */
    public List<LineageEdge> edgesAround(String node) {
        List<LineageEdge> found = new ArrayList<>();
        for (boolean downstream : new boolean[] { false, true }) {
            for (Object[] row : edgesOf(List.of(node), downstream)) {
                found.add(new LineageEdge((String) row[0], (String) row[1], (String) row[2], toInstant(row[3])));
            }
        }
        return found;
    }

    /** Nodes with their display names, in the order given. */
    public List<LineageNode> nodes(Collection<String> ids) {
        Map<String, String> names = names(ids);
        return ids.stream().map(id -> new LineageNode(id, LineageEdges.kindOf(id), names.getOrDefault(id, LineageEdges.keyOf(id))))
                .toList();
    }

    /**
     * Display names of nodes, one query per kind present: a dataset version's name and version, a run's name, a
     * promotion request's model, version and alias; names recorded for outside nodes; otherwise the key.
     */
    public Map<String, String> names(Collection<String> ids) {
        Map<String, String> names = new HashMap<>();
        Map<UUID, String> datasets = new HashMap<>();
        Map<UUID, String> runs = new HashMap<>();
        Map<Long, String> approvals = new HashMap<>();
        List<String> outside = new ArrayList<>();
        for (String id : ids) {
            String kind = LineageEdges.kindOf(id);
            String key = LineageEdges.keyOf(id);
            switch (kind) {
                case "dataset" -> {
                    UUID uuid = uuid(key);
                    if (uuid != null) {
                        datasets.put(uuid, id);
                    } else {
                        outside.add(id);
                    }
                }
                case "run" -> {
                    if (key.length() == 32 && key.chars().allMatch(c -> Character.digit(c, 16) >= 0)) {
                        runs.put(RunIds.parse(key), id);
                    } else {
                        outside.add(id);
                    }
                }
                case "model" -> {
                    int colon = key.lastIndexOf(':');
                    names.put(id, colon < 0 ? key : key.substring(0, colon) + " v" + key.substring(colon + 1));
                }
                case "approval" -> {
                    try {
                        approvals.put(Long.parseLong(key), id);
                    } catch (NumberFormatException e) {
                        names.put(id, key);
                    }
                }
                case "window" -> {
                    String[] parts = key.split(":");
                    names.put(id, parts.length == 3 && parts[2].matches("\\d+")
                            ? parts[0] + " v" + parts[1] + " @ " + Instant.ofEpochSecond(Long.parseLong(parts[2]))
                            : key);
                }
                case "deployment" -> names.put(id, key);
                default -> outside.add(id);
            }
        }
        if (!datasets.isEmpty()) {
            rows("select id, name || ' v' || version from dataset_version where id in (:ids)", datasets.keySet())
                    .forEach(r -> names.put(datasets.get((UUID) r[0]), (String) r[1]));
        }
        if (!runs.isEmpty()) {
            rows("select id, coalesce(name, '') from run where id in (:ids)", runs.keySet()).forEach(r -> {
                String name = (String) r[1];
                String id = runs.get((UUID) r[0]);
                names.put(id, name.isBlank() ? "run " + LineageEdges.keyOf(id).substring(0, 8) : name);
            });
        }
        if (!approvals.isEmpty()) {
            rows("select r.id, m.name || ' v' || r.version || ' to ' || r.alias || ' (request ' || r.id || ', '"
                    + " || lower(r.status) || ')' from promotion_request r join registered_model m on m.id = r.model_id"
                    + " where r.id in (:ids)", approvals.keySet())
                    .forEach(r -> names.put(approvals.get(((Number) r[0]).longValue()), (String) r[1]));
        }
        if (!outside.isEmpty()) {
            rows("select node_id, name from lineage_node where node_id in (:ids)", outside)
                    .forEach(r -> names.put((String) r[0], (String) r[1]));
        }
        return names;
    }

    /** Whether a node without edges names something Lodestar knows. */
    private boolean exists(String id) {
        String key = LineageEdges.keyOf(id);
        return switch (LineageEdges.kindOf(id)) {
            case "dataset" -> uuid(key) != null ? any("select 1 from dataset_version where id = :k", uuid(key)) : outside(id);
            case "run" -> key.length() == 32 && key.chars().allMatch(c -> Character.digit(c, 16) >= 0)
                    ? any("select 1 from run where id = :k", RunIds.parse(key)) : outside(id);
            case "model" -> {
                int colon = key.lastIndexOf(':');
                yield colon > 0 && key.substring(colon + 1).matches("\\d{1,9}")
                        && !entityManager.createNativeQuery("select 1 from model_version v join registered_model m on m.id = v.model_id"
                                + " where m.name = :name and v.version = :version").setParameter("name", key.substring(0, colon))
                                .setParameter("version", Integer.parseInt(key.substring(colon + 1))).getResultList().isEmpty();
            }
            case "approval" -> key.matches("\\d{1,18}") && any("select 1 from promotion_request where id = :k", Long.parseLong(key));
            case "deployment" -> any("select 1 from deployment_history where deployment_name = :k", key);
            default -> outside(id);
        };
    }

    private boolean outside(String id) {
        return any("select 1 from lineage_node where node_id = :k", id);
    }

    private boolean any(String sql, Object key) {
        return !entityManager.createNativeQuery(sql).setParameter("k", key).setMaxResults(1).getResultList().isEmpty();
    }

    @SuppressWarnings("unchecked")
    private List<Object[]> rows(String sql, Collection<?> ids) {
        return entityManager.createNativeQuery(sql).setParameter("ids", ids).getResultList();
    }

    /**
     * Nodes whose id or name contains {@code text} (case-insensitive), at most {@code limit}: dataset versions and
     * deployments by name, model versions, and any node with an edge or a recorded name.
     */
    public List<LineageNode> search(String text, int limit) {
        if (text == null || text.isBlank()) {
            return List.of();
        }
        String pattern = "%" + text.strip().toLowerCase().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%";
        @SuppressWarnings("unchecked")
        List<String> ids = entityManager.createNativeQuery("""
                select id from (
                  select 'dataset:' || id as id, name || ' v' || version as label from dataset_version
                  union select 'model:' || m.name || ':' || v.version, m.name || ' v' || v.version
                    from model_version v join registered_model m on m.id = v.model_id
                  union select distinct 'deployment:' || deployment_name, deployment_name from deployment_history
                  union select node_id, name from lineage_node
                  union select from_node, from_node from lineage_edge
                  union select to_node, to_node from lineage_edge
                ) found where lower(id) like :p or lower(label) like :p
                group by id order by min(length(id)), id limit :limit""")
                .setParameter("p", pattern).setParameter("limit", limit).getResultList();
        return nodes(ids);
    }

    private static UUID uuid(String key) {
        if (key.length() != 36) {
            return null;
        }
        try {
            return UUID.fromString(key);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    private static Instant toInstant(Object value) {
        if (value instanceof Instant instant) {
            return instant;
        }
        if (value instanceof java.sql.Timestamp timestamp) {
            return timestamp.toInstant();
        }
        if (value instanceof java.time.OffsetDateTime offset) {
            return offset.toInstant();
        }
        return null;
    }
}
