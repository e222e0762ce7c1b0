package dev.lodestar.inference.scoring;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.tribuo.ImmutableFeatureMap;

import dev.lodestar.tribuo.InputSchema;

/**
 * Maps a row's cells (in schema order) onto the feature ids of a model's feature map, as Tribuo would after
 * encoding the row with {@link InputSchema#encode}: a NUMBER column is its feature, a TEXT column's value is the
 * one-hot feature {@code column@value}; features the model does not know are dropped.
 */
final class RowEncoder {

    private final int[] numberIds;
    private final Map<String, Integer>[] categoryIds;
    private final int width;

    @SuppressWarnings("unchecked")
    RowEncoder(InputSchema schema, ImmutableFeatureMap features) {
        List<InputSchema.Column> columns = schema.columns();
        numberIds = new int[columns.size()];
        categoryIds = new Map[columns.size()];
        width = features.size();
        for (int i = 0; i < columns.size(); i++) {
            InputSchema.Column column = columns.get(i);
            if (column.type() == InputSchema.ColumnType.NUMBER) {
                numberIds[i] = features.getID(column.name());
            } else {
                numberIds[i] = -1;
                String prefix = InputSchema.featureName(column.name(), "");
                Map<String, Integer> ids = new HashMap<>();
                for (int id = 0; id < width; id++) {
                    String name = features.get(id).getName();
                    if (name.startsWith(prefix)) {
                        ids.put(name.substring(prefix.length()), id);
                    }
                }
                categoryIds[i] = Map.copyOf(ids);
            }
        }
    }

    /** The number of features (ids run from 0 to width - 1). */
    int width() {
        return width;
    }

    /** Writes the row's features into {@code dense} by id; positions of absent features are left as they are. */
    void write(Object[] row, double[] dense) {
        for (int i = 0; i < numberIds.length; i++) {
            Map<String, Integer> categories = categoryIds[i];
            if (categories == null) {
                int id = numberIds[i];
                if (id >= 0) {
                    dense[id] = ((Number) row[i]).doubleValue();
                }
            } else {
                Integer id = categories.get((String) row[i]);
                if (id != null) {
                    dense[id] = 1.0;
                }
            }
        }
    }

    /** As {@link #write(Object[], double[])}, in single precision (as XGBoost reads features). */
    void write(Object[] row, float[] dense) {
        for (int i = 0; i < numberIds.length; i++) {
            Map<String, Integer> categories = categoryIds[i];
            if (categories == null) {
                int id = numberIds[i];
                if (id >= 0) {
                    dense[id] = (float) ((Number) row[i]).doubleValue();
                }
            } else {
                Integer id = categories.get((String) row[i]);
                if (id != null) {
                    dense[id] = 1.0f;
                }
            }
        }
    }
}
