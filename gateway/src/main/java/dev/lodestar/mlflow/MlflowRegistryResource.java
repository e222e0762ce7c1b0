package dev.lodestar.mlflow;

import static dev.lodestar.identity.Roles.ADMIN;
import static dev.lodestar.identity.Roles.APPROVER;
import static dev.lodestar.identity.Roles.AUDITOR;
import static dev.lodestar.identity.Roles.DATA_SCIENTIST;

import java.util.Map;

import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PATCH;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.UriInfo;

/**
 * MLflow's model registry endpoints: {@code registered-models/*} (aliases included) and {@code model-versions/*}
 * under {@code /api/2.0/mlflow}, with MLflow's HTTP methods. The roles are those of the GraphQL API: data
 * scientists write, every Lodestar role reads. Each method reads its request and hands it to {@link MlflowRegistry}.
 */
@Path(MlflowErrorFormat.PREFIX)
@Consumes(MediaType.WILDCARD)
@Produces(MediaType.APPLICATION_JSON)
@RolesAllowed({ DATA_SCIENTIST, APPROVER, AUDITOR, ADMIN })
public class MlflowRegistryResource {

    private static final Map<String, Object> EMPTY = Map.of();

    private final MlflowRegistry registry;
    private final MlflowRequests requests;

    MlflowRegistryResource(MlflowRegistry registry, MlflowRequests requests) {
        this.registry = registry;
        this.requests = requests;
    }

    @POST
    @Path("registered-models/create")
    @RolesAllowed(DATA_SCIENTIST)
    public MlflowMessages.RegisteredModelResponse createModel(byte[] body, @Context UriInfo uri) {
        return new MlflowMessages.RegisteredModelResponse(
                registry.createModel(requests.read(body, uri, MlflowMessages.CreateRegisteredModel.class)));
    }

    @GET
    @Path("registered-models/get")
    public MlflowMessages.RegisteredModelResponse model(@Context UriInfo uri) {
        return new MlflowMessages.RegisteredModelResponse(
                registry.model(requests.read(null, uri, MlflowMessages.ModelRef.class).name()));
    }

    @GET
    @Path("registered-models/search")
    public MlflowMessages.SearchRegisteredModelsResponse searchModels(@Context UriInfo uri) {
        return registry.searchModels(requests.read(null, uri, MlflowMessages.SearchRegistry.class));
    }

    @PATCH
    @Path("registered-models/update")
    @RolesAllowed(DATA_SCIENTIST)
    public MlflowMessages.RegisteredModelResponse describeModel(byte[] body, @Context UriInfo uri) {
        MlflowMessages.ModelRef request = requests.read(body, uri, MlflowMessages.ModelRef.class);
        return new MlflowMessages.RegisteredModelResponse(registry.describeModel(request.name(), request.description()));
    }

    @POST
    @Path("registered-models/rename")
    @RolesAllowed(DATA_SCIENTIST)
    public Map<String, Object> renameModel(byte[] body, @Context UriInfo uri) {
        registry.renameModel(requests.read(body, uri, MlflowMessages.ModelRef.class).name());
        return EMPTY;
    }

    @DELETE
    @Path("registered-models/delete")
    @RolesAllowed(DATA_SCIENTIST)
    public Map<String, Object> deleteModel(byte[] body, @Context UriInfo uri) {
        registry.deleteModel(requests.read(body, uri, MlflowMessages.ModelRef.class).name());
        return EMPTY;
    }

    @POST
    @Path("registered-models/set-tag")
    @RolesAllowed(DATA_SCIENTIST)
    public Map<String, Object> setModelTag(byte[] body, @Context UriInfo uri) {
        registry.setModelTag(requests.read(body, uri, MlflowMessages.ModelTag.class));
        return EMPTY;
    }

    @DELETE
    @Path("registered-models/delete-tag")
    @RolesAllowed(DATA_SCIENTIST)
    public Map<String, Object> deleteModelTag(byte[] body, @Context UriInfo uri) {
        registry.deleteModelTag(requests.read(body, uri, MlflowMessages.ModelTag.class));
        return EMPTY;
    }

    @POST
    @Path("registered-models/get-latest-versions")
    public MlflowMessages.ModelVersionsResponse latestVersions(byte[] body, @Context UriInfo uri) {
        MlflowMessages.GetLatestVersions request = requests.read(body, uri, MlflowMessages.GetLatestVersions.class);
        return new MlflowMessages.ModelVersionsResponse(registry.latestVersions(request.name(), request.stages()), null);
    }

    @GET
    @Path("registered-models/get-latest-versions")
    public MlflowMessages.ModelVersionsResponse latestVersionsByQuery(@Context UriInfo uri) {
        return latestVersions(null, uri);
    }

    @POST
    @Path("registered-models/alias")
    @RolesAllowed(DATA_SCIENTIST)
    public Map<String, Object> setAlias(byte[] body, @Context UriInfo uri) {
        registry.setAlias(requests.read(body, uri, MlflowMessages.AliasRequest.class));
        return EMPTY;
    }

    @DELETE
    @Path("registered-models/alias")
    @RolesAllowed(DATA_SCIENTIST)
    public Map<String, Object> deleteAlias(byte[] body, @Context UriInfo uri) {
        registry.deleteAlias(requests.read(body, uri, MlflowMessages.AliasRequest.class));
        return EMPTY;
    }

    @GET
    @Path("registered-models/alias")
    public MlflowMessages.ModelVersionResponse versionByAlias(@Context UriInfo uri) {
        MlflowMessages.AliasRequest request = requests.read(null, uri, MlflowMessages.AliasRequest.class);
        return new MlflowMessages.ModelVersionResponse(registry.versionByAlias(request.name(), request.alias()));
    }

    @POST
    @Path("model-versions/create")
    @RolesAllowed(DATA_SCIENTIST)
    public MlflowMessages.ModelVersionResponse createVersion(byte[] body, @Context UriInfo uri) {
        return new MlflowMessages.ModelVersionResponse(
                registry.createVersion(requests.read(body, uri, MlflowMessages.CreateModelVersion.class)));
    }

    @GET
    @Path("model-versions/get")
    public MlflowMessages.ModelVersionResponse version(@Context UriInfo uri) {
        MlflowMessages.VersionRef request = requests.read(null, uri, MlflowMessages.VersionRef.class);
        return new MlflowMessages.ModelVersionResponse(registry.version(request.name(), request.version()));
    }

    @GET
    @Path("model-versions/search")
    public MlflowMessages.ModelVersionsResponse searchVersions(@Context UriInfo uri) {
        return registry.searchVersions(requests.read(null, uri, MlflowMessages.SearchRegistry.class));
    }

    @PATCH
    @Path("model-versions/update")
    @RolesAllowed(DATA_SCIENTIST)
    public MlflowMessages.ModelVersionResponse describeVersion(byte[] body, @Context UriInfo uri) {
        MlflowMessages.VersionRef request = requests.read(body, uri, MlflowMessages.VersionRef.class);
        return new MlflowMessages.ModelVersionResponse(
                registry.describeVersion(request.name(), request.version(), request.description()));
    }

    @DELETE
    @Path("model-versions/delete")
    @RolesAllowed(DATA_SCIENTIST)
    public Map<String, Object> deleteVersion(byte[] body, @Context UriInfo uri) {
        MlflowMessages.VersionRef request = requests.read(body, uri, MlflowMessages.VersionRef.class);
        registry.deleteVersion(request.name(), request.version());
        return EMPTY;
    }

    @POST
    @Path("model-versions/set-tag")
    @RolesAllowed(DATA_SCIENTIST)
    public Map<String, Object> setVersionTag(byte[] body, @Context UriInfo uri) {
        registry.setVersionTag(requests.read(body, uri, MlflowMessages.VersionTag.class));
        return EMPTY;
    }

    @DELETE
    @Path("model-versions/delete-tag")
    @RolesAllowed(DATA_SCIENTIST)
    public Map<String, Object> deleteVersionTag(byte[] body, @Context UriInfo uri) {
        registry.deleteVersionTag(requests.read(body, uri, MlflowMessages.VersionTag.class));
        return EMPTY;
    }

    @POST
    @Path("model-versions/transition-stage")
    @RolesAllowed(DATA_SCIENTIST)
    public MlflowMessages.ModelVersionResponse transitionStage(byte[] body, @Context UriInfo uri) {
        return new MlflowMessages.ModelVersionResponse(
                registry.transitionStage(requests.read(body, uri, MlflowMessages.TransitionStage.class)));
    }

    @GET
    @Path("model-versions/get-download-uri")
    public MlflowMessages.DownloadUriResponse downloadUri(@Context UriInfo uri) {
        MlflowMessages.VersionRef request = requests.read(null, uri, MlflowMessages.VersionRef.class);
        return new MlflowMessages.DownloadUriResponse(registry.downloadUri(request.name(), request.version()));
    }
}
