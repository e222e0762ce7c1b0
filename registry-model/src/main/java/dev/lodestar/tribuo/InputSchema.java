package dev.lodestar.tribuo;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

import org.tribuo.Feature;
import org.tribuo.ImmutableFeatureMap;
import org.tribuo.Model;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.oracle.labs.mlrg.olcut.provenance.Provenance;
import com.oracle.labs.mlrg.olcut.provenance.primitives.StringProvenance;

/**
 * The columns a model is asked for, as a client names them, and how they become Tribuo features.
 *
 * <p>A {@link ColumnType#NUMBER NUMBER} column {@code c} is the feature {@code c}, its value as is. A
 * {@link ColumnType#TEXT TEXT} column {@code c} holding {@code v} is the one-hot feature {@code c@v} with value 1.0
 * (see {@link #featureName}); a category not seen in training becomes no feature at all, so the column contributes
 * nothing, as Tribuo does with features it does not know.
 *
 * <p>The schema travels inside the model as instance provenance under {@link #PROVENANCE_KEY}, so whoever reads the
 * model's protobuf bytes knows its columns without asking the registry. Column names are unique; the order of the
 * columns is the order rows are given in ({@link #of} keeps the order the training recorded).
 *
 * <p>Reading and writing JSON needs jackson-databind on the class path (an optional dependency of this module).
 *
 * @param columns the columns, in order
 */
public record InputSchema(List<Column> columns) {

    /** The instance provenance key under which training records the schema in the model. */
    public static final String PROVENANCE_KEY = "lodestar-inputs";

    /** Joins a TEXT column's name and a category into a feature name (Tribuo's own columnar joiner). */
    public static final String CATEGORY_SEPARATOR = "@";

    private static final ObjectMapper JSON = new ObjectMapper();

    /** The kind of value a column holds. */
    public enum ColumnType {
        /** A number, used as it is. */
        NUMBER,
        /** A category, one-hot encoded. */
        TEXT
    }

    /**
     * One input column.
     *
     * @param name       the column's name, as clients send it
     * @param type       NUMBER or TEXT
     * @param categories TEXT only: the categories seen in training, sorted and distinct (empty for NUMBER)
     * @param fill       NUMBER only: the value training imputed for missing cells (the training mean), or null if
     *                   none were missing (always null for TEXT)
     */
    public record Column(String name, ColumnType type, List<String> categories, Double fill) {

        /** Checks the invariants; sorts and de-duplicates the categories. */
        public Column {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(type, "type");
            if (name.isEmpty()) {
                throw new IllegalArgumentException("a column needs a name");
            }
            categories = categories == null ? List.of() : List.copyOf(new TreeSet<>(categories));
            if (type == ColumnType.NUMBER && !categories.isEmpty()) {
                throw new IllegalArgumentException("NUMBER column '" + name + "' cannot have categories");
            }
            if (type == ColumnType.TEXT && fill != null) {
                throw new IllegalArgumentException("TEXT column '" + name + "' cannot have a fill value");
            }
        }

        /** A NUMBER column; {@code fill} may be null. */
        public static Column number(String name, Double fill) {
            return new Column(name, ColumnType.NUMBER, List.of(), fill);
        }

        /** A TEXT column with the categories seen in training. */
        public static Column text(String name, Collection<String> categories) {
            return new Column(name, ColumnType.TEXT, List.copyOf(categories), null);
        }
    }

    /** Checks that the column names are unique. */
    public InputSchema {
        columns = List.copyOf(columns);
        Set<String> names = new HashSet<>();
        for (Column column : columns) {
            if (!names.add(column.name())) {
                throw new IllegalArgumentException("column '" + column.name() + "' appears twice");
            }
        }
    }

    /** The Tribuo feature name of category {@code category} of TEXT column {@code column}: {@code column@category}. */
    public static String featureName(String column, String category) {
        return column + CATEGORY_SEPARATOR + category;
    }

    /** The index of the named column, or -1. */
    public int indexOf(String name) {
        for (int i = 0; i < columns.size(); i++) {
            if (columns.get(i).name().equals(name)) {
                return i;
            }
        }
        return -1;
    }

    /** The column names, in order. */
    public List<String> names() {
        return columns.stream().map(Column::name).toList();
    }

    /**
     * The Tribuo features of a row given in column order (a {@code Double} per NUMBER column, a {@code String} per
     * TEXT column). A null NUMBER cell takes the column's fill value; a null TEXT cell gives no feature.
     *
     * @throws IllegalArgumentException if the row has the wrong length, a cell the wrong type, or a NUMBER cell is
     *                                  null in a column without a fill value
     */
    public List<Feature> encode(Object[] row) {
        if (row.length != columns.size()) {
            throw new IllegalArgumentException("row has " + row.length + " cells, the schema " + columns.size() + " columns");
        }
        List<Feature> features = new ArrayList<>(row.length);
        for (int i = 0; i < row.length; i++) {
            Column column = columns.get(i);
            Object cell = row[i];
            if (column.type() == ColumnType.NUMBER) {
                if (cell == null && column.fill() == null) {
                    throw new IllegalArgumentException("column '" + column.name() + "' is missing and has no fill value");
                }
                if (cell != null && !(cell instanceof Number)) {
                    throw new IllegalArgumentException("column '" + column.name() + "' is a NUMBER column, not " + cell.getClass().getSimpleName());
                }
                features.add(new Feature(column.name(), cell == null ? column.fill() : ((Number) cell).doubleValue()));
            } else if (cell != null) {
                if (!(cell instanceof String text)) {
                    throw new IllegalArgumentException("column '" + column.name() + "' is a TEXT column, not " + cell.getClass().getSimpleName());
                }
                features.add(new Feature(featureName(column.name(), text), 1.0));
            }
        }
        return features;
    }

    /** The schema as instance provenance, to pass to {@code Trainer.train(dataset, provenance)}. */
    public Map<String, Provenance> asProvenance() {
        return Map.of(PROVENANCE_KEY, new StringProvenance(PROVENANCE_KEY, toJson()));
    }

    /**
     * The schema of a model: the one its training recorded under {@link #PROVENANCE_KEY}, or, for a model trained
     * elsewhere, every feature of its feature map as a NUMBER column of the same name (in feature id order).
     *
     * @throws IllegalArgumentException if the recorded schema is not valid
     */
    public static InputSchema of(Model<?> model) {
        Provenance recorded = model.getProvenance().getInstanceProvenance().getMap().get(PROVENANCE_KEY);
        if (recorded instanceof StringProvenance text) {
            return fromJson(text.getValue());
        }
        ImmutableFeatureMap features = model.getFeatureIDMap();
        List<Column> columns = new ArrayList<>(features.size());
        for (int id = 0; id < features.size(); id++) {
            columns.add(Column.number(features.get(id).getName(), null));
        }
        return new InputSchema(columns);
    }

    /**
     * The schema as JSON: {@code {"columns":[{"name":"age","type":"NUMBER","fill":41.2},
     * {"name":"plan","type":"TEXT","categories":["basic","pro"]}]}} ({@code fill} only when set, {@code categories}
     * only for TEXT).
     */
    public String toJson() {
        ObjectNode root = JSON.createObjectNode();
        ArrayNode array = root.putArray("columns");
        for (Column column : columns) {
            ObjectNode node = array.addObject();
            node.put("name", column.name());
            node.put("type", column.type().name());
            if (column.type() == ColumnType.TEXT) {
                ArrayNode categories = node.putArray("categories");
                column.categories().forEach(categories::add);
            }
            if (column.fill() != null) {
                node.put("fill", column.fill());
            }
        }
        return root.toString();
    }

    /**
     * Reads a schema written by {@link #toJson}.
     *
     * @throws IllegalArgumentException if the text is not such a schema
     */
    public static InputSchema fromJson(String json) {
        JsonNode root;
        try {
            root = JSON.readTree(json);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("input schema is not valid JSON: " + e.getOriginalMessage(), e);
        }
        JsonNode array = root == null ? null : root.get("columns");
        if (array == null || !array.isArray()) {
            throw new IllegalArgumentException("input schema has no \"columns\" array");
        }
        List<Column> columns = new ArrayList<>(array.size());
        for (JsonNode node : array) {
            String name = node.path("name").asText(null);
            String type = node.path("type").asText(null);
            if (name == null || type == null) {
                throw new IllegalArgumentException("input schema column without name or type: " + node);
            }
            ColumnType columnType;
            try {
                columnType = ColumnType.valueOf(type);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("input schema column '" + name + "' has unknown type " + type, e);
            }
            List<String> categories = new ArrayList<>();
            node.path("categories").forEach(category -> categories.add(category.asText()));
            JsonNode fill = node.get("fill");
            columns.add(new Column(name, columnType, categories,
                    fill == null || fill.isNull() ? null : fill.asDouble()));
        }
        return new InputSchema(columns);
    }
}
