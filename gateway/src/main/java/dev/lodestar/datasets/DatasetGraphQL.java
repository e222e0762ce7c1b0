package dev.lodestar.datasets;

import static dev.lodestar.identity.Roles.ADMIN;
import static dev.lodestar.identity.Roles.APPROVER;
import static dev.lodestar.identity.Roles.AUDITOR;
import static dev.lodestar.identity.Roles.DATA_SCIENTIST;

import java.util.List;
import java.util.Map;
import java.util.UUID;

import jakarta.annotation.security.RolesAllowed;

import org.eclipse.microprofile.graphql.Description;
import org.eclipse.microprofile.graphql.GraphQLApi;
import org.eclipse.microprofile.graphql.Id;
import org.eclipse.microprofile.graphql.Name;
import org.eclipse.microprofile.graphql.NonNull;
import org.eclipse.microprofile.graphql.Query;
import org.eclipse.microprofile.graphql.Source;

import dev.lodestar.artifacts.ArtifactService;
import dev.lodestar.artifacts.model.ArtifactEntity;
import dev.lodestar.datasets.model.DatasetVersionEntity;
import dev.lodestar.graphql.Page;

/**
 * Dataset versions over GraphQL, for every Lodestar role but the predictor. Versions are registered by uploading
 * a CSV to {@code POST /api/datasets}; GraphQL reads them.
 */
@GraphQLApi
@RolesAllowed({ DATA_SCIENTIST, APPROVER, AUDITOR, ADMIN })
public class DatasetGraphQL {

    private final DatasetService datasets;
    private final ArtifactService artifacts;

    DatasetGraphQL(DatasetService datasets, ArtifactService artifacts) {
        this.datasets = datasets;
        this.artifacts = artifacts;
    }

    @Query
    @Description("Dataset versions: of one name newest first, or of all names by name and then newest first.")
    public @NonNull DatasetVersionConnection datasets(@Name("name") String name, @Name("first") Integer first,
            @Name("after") String after) {
        return datasets.page(name, Page.of(first, after));
    }

    @Query
    @Description("One dataset version, or null if there is none with this id.")
    public DatasetVersion dataset(@Name("id") @Id @NonNull String id) {
        DatasetVersionEntity found = datasets.find(id);
        return found == null ? null : datasets.toApi(found);
    }

    @Description("How many versions the whole list holds.")
    public int totalCount(@Source DatasetVersionConnection connection) {
        return Math.toIntExact(connection.total());
    }

    @Description("Size of the CSV in bytes.")
    public @NonNull List<@NonNull Long> size(@Source List<DatasetVersion> versions) {
        Map<UUID, ArtifactEntity> stored = artifacts.byIds(versions.stream().map(v -> UUID.fromString(v.artifactId())).distinct().toList());
        return versions.stream().map(v -> stored.get(UUID.fromString(v.artifactId())).size).toList();
    }
}
