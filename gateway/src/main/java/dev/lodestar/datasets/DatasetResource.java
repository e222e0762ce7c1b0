package dev.lodestar.datasets;

import static dev.lodestar.identity.Roles.DATA_SCIENTIST;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import dev.lodestar.artifacts.ArtifactStore;
import dev.lodestar.tribuo.InputSchema.ColumnType;
import dev.lodestar.datasets.model.DatasetVersionEntity;
import dev.lodestar.graphql.ApiException;
import dev.lodestar.graphql.ErrorCode;

/**
 * {@code POST /api/datasets?name=NAME[&types=age:NUMBER,plan:TEXT]} with a CSV as the body ({@code text/csv}):
 * registers it as the next version of {@code name} and answers 201 with
 * {@code {"id", "name", "version", "rows", "columns": [{"name", "type"}], "sha256", "artifactId", "size",
 * "createdBy", "createdAt"}}. The body streams into the artifact store while it is parsed; a malformed file is
 * refused with 400 naming the line and column, one over {@code lodestar.datasets.max-size} with 413.
 */
@Path("/api/datasets")
public class DatasetResource {

    private final ArtifactStore store;
    private final DatasetService datasets;
    private final DatasetsConfig config;

    DatasetResource(ArtifactStore store, DatasetService datasets, DatasetsConfig config) {
        this.store = store;
        this.datasets = datasets;
        this.config = config;
    }

    /** The 201 answer. */
    public record Registered(String id, String name, int version, long rows, List<DatasetColumn> columns, String sha256,
            String artifactId, long size, String createdBy, Instant createdAt) {
    }

    @POST
    @RolesAllowed(DATA_SCIENTIST)
    @Consumes("text/csv")
    @Produces(MediaType.APPLICATION_JSON)
    public Response upload(InputStream body, @QueryParam("name") String name, @QueryParam("types") String types)
            throws IOException {
        DatasetService.checkName(name);
        Map<String, ColumnType> declared = declaredTypes(types);
        long limit = config.maxSize().asLongValue();
        DatasetScan scan = new DatasetScan(declared);
        ArtifactStore.Blob blob;
        try {
            blob = store.put(new CsvBytes(new CsvParser(scan, config.maxFieldLength())).tee(body), limit);
        } catch (ArtifactStore.TooLarge e) {
            return tooLarge(limit);
        }
        DatasetScan.Result result = scan.result();
        DatasetVersionEntity dataset = datasets.register(name, blob, result);
        return Response.created(URI.create("/api/datasets/" + dataset.id))
                .entity(new Registered(dataset.id.toString(), dataset.name, dataset.version, dataset.rows, result.columns(),
                        dataset.sha256, dataset.artifactId.toString(), blob.size(), dataset.createdBy, dataset.createdAt))
                .build();
    }

    private static Response tooLarge(long limit) {
        return Response.status(Response.Status.REQUEST_ENTITY_TOO_LARGE).type(MediaType.APPLICATION_JSON_TYPE)
                .entity(Map.of("code", ErrorCode.INVALID_ARGUMENT.name(),
                        "message", "the dataset is larger than the limit of " + limit + " bytes")).build();
    }

    /** {@code age:NUMBER,plan:TEXT} as a map; a column name may itself contain ':' (the last one splits). */
    static Map<String, ColumnType> declaredTypes(String types) {
        Map<String, ColumnType> declared = new LinkedHashMap<>();
        if (types == null || types.isBlank()) {
            return declared;
        }
        for (String entry : types.split(",")) {
            int split = entry.lastIndexOf(':');
            ColumnType type = null;
            if (split > 0) {
                try {
                    type = ColumnType.valueOf(entry.substring(split + 1).trim().toUpperCase(Locale.ROOT));
                } catch (IllegalArgumentException e) {
                    // Refused below.
                }
            }
            if (type == null) {
                throw ApiException.invalid("types: '" + entry + "' is not column:NUMBER or column:TEXT");
            }
            if (declared.put(entry.substring(0, split), type) != null) {
                throw ApiException.invalid("types: the column '" + entry.substring(0, split) + "' is declared twice");
            }
        }
        return declared;
    }
}
