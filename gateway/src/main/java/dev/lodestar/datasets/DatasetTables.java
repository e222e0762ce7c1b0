package dev.lodestar.datasets;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import dev.lodestar.artifacts.ArtifactStore;
import dev.lodestar.tribuo.InputSchema.ColumnType;
import dev.lodestar.datasets.model.DatasetVersionEntity;
import dev.lodestar.graphql.ApiException;
import dev.lodestar.graphql.ErrorCode;

/**
 * Dataset versions read back whole, for training: the stored CSV is parsed again (and its hash checked on the
 * way) and every cell converted with the column types found at upload, so training sees exactly the values the
 * profile describes.
 */
@ApplicationScoped
public class DatasetTables {

    private final DatasetService datasets;
    private final ArtifactStore store;
    private final DatasetsConfig config;

    DatasetTables(DatasetService datasets, ArtifactStore store, DatasetsConfig config) {
        this.datasets = datasets;
        this.store = store;
        this.config = config;
    }

    /** The version's rows; {@code NOT_FOUND} for an unknown id. */
    public DatasetTable load(UUID datasetId) {
        DatasetVersionEntity version = datasets.get(datasetId);
        List<DatasetColumn> columns = datasets.columnsOf(version);
        ColumnType[] types = columns.stream().map(DatasetColumn::type).toArray(ColumnType[]::new);
        List<Object[]> rows = new ArrayList<>(Math.toIntExact(Math.min(version.rows, Integer.MAX_VALUE - 8)));
        long[][] lines = { new long[Math.toIntExact(Math.min(version.rows, Integer.MAX_VALUE - 8))] };
        CsvParser.Records reader = new CsvParser.Records() {
            private boolean header = true;

            @Override
            public void record(long line, String[] fields) {
                if (header) {
                    header = false;
                    return;
                }
                Object[] cells = new Object[types.length];
                for (int i = 0; i < types.length; i++) {
                    String cell = fields[i];
                    cells[i] = cell.isEmpty() ? null : types[i] == ColumnType.NUMBER ? Double.valueOf(Numbers.parse(cell)) : cell;
                }
                if (rows.size() == lines[0].length) {
                    lines[0] = Arrays.copyOf(lines[0], Math.max(16, lines[0].length * 2));
                }
                lines[0][rows.size()] = line;
                rows.add(cells);
            }
        };
        try (InputStream in = store.open(version.sha256)) {
            new CsvBytes(new CsvParser(reader, config.maxFieldLength())).readAll(in);
        } catch (IOException | ApiException e) {
            throw new ApiException(ErrorCode.INTERNAL, "dataset version " + version.id + " cannot be read back from the store: "
                    + e.getMessage());
        }
        return new DatasetTable(version, columns.stream().map(DatasetColumn::name).toList(), Arrays.asList(types),
                rows, Arrays.copyOf(lines[0], rows.size()));
    }
}
