package dev.lodestar.mlflow;

import static dev.lodestar.identity.Roles.ADMIN;
import static dev.lodestar.identity.Roles.APPROVER;
import static dev.lodestar.identity.Roles.AUDITOR;
import static dev.lodestar.identity.Roles.DATA_SCIENTIST;

import java.util.Map;

import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.UriInfo;

/**
 * MLflow's tracking endpoints: {@code experiments/*}, {@code runs/*} and {@code metrics/get-history} under
 * {@code /api/2.0/mlflow}. The roles are those of the GraphQL API: data scientists write, every Lodestar role
 * reads. Each method reads its request and hands it to {@link MlflowTracking}.
 */
@Path(MlflowErrorFormat.PREFIX)
@Consumes(MediaType.WILDCARD)
@Produces(MediaType.APPLICATION_JSON)
@RolesAllowed({ DATA_SCIENTIST, APPROVER, AUDITOR, ADMIN })
public class MlflowTrackingResource {

    private static final Map<String, Object> EMPTY = Map.of();

    /**
     * The header under which a client names one write of metrics or params: sent again under a key the run already
     * holds, the write is acknowledged without being stored twice.
     */
    static final String IDEMPOTENCY_KEY = "Idempotency-Key";

    private final MlflowTracking tracking;
    private final MlflowRequests requests;

    MlflowTrackingResource(MlflowTracking tracking, MlflowRequests requests) {
        this.tracking = tracking;
        this.requests = requests;
    }

    @POST
    @Path("experiments/create")
    @RolesAllowed(DATA_SCIENTIST)
    public MlflowMessages.CreateExperimentResponse createExperiment(byte[] body, @Context UriInfo uri) {
        return new MlflowMessages.CreateExperimentResponse(
                tracking.createExperiment(requests.read(body, uri, MlflowMessages.CreateExperiment.class)));
    }

    @GET
    @Path("experiments/get")
    public MlflowMessages.ExperimentResponse experiment(@Context UriInfo uri) {
        return new MlflowMessages.ExperimentResponse(
                tracking.experiment(requests.read(null, uri, MlflowMessages.ExperimentRef.class).experimentId()));
    }

    @GET
    @Path("experiments/get-by-name")
    public MlflowMessages.ExperimentResponse experimentByName(@Context UriInfo uri) {
        return new MlflowMessages.ExperimentResponse(
                tracking.experimentByName(requests.read(null, uri, MlflowMessages.ExperimentByName.class).experimentName()));
    }

    @POST
    @Path("experiments/search")
    public MlflowMessages.SearchExperimentsResponse searchExperiments(byte[] body, @Context UriInfo uri) {
        return tracking.searchExperiments(requests.read(body, uri, MlflowMessages.SearchExperiments.class));
    }

    @GET
    @Path("experiments/search")
    public MlflowMessages.SearchExperimentsResponse searchExperimentsByQuery(@Context UriInfo uri) {
        return tracking.searchExperiments(requests.read(null, uri, MlflowMessages.SearchExperiments.class));
    }

    @POST
    @Path("experiments/update")
    @RolesAllowed(DATA_SCIENTIST)
    public Map<String, Object> renameExperiment(byte[] body, @Context UriInfo uri) {
        tracking.renameExperiment(requests.read(body, uri, MlflowMessages.UpdateExperiment.class));
        return EMPTY;
    }

    @POST
    @Path("experiments/delete")
    @RolesAllowed(DATA_SCIENTIST)
    public Map<String, Object> deleteExperiment(byte[] body, @Context UriInfo uri) {
        tracking.deleteExperiment(requests.read(body, uri, MlflowMessages.ExperimentRef.class).experimentId());
        return EMPTY;
    }

    @POST
    @Path("experiments/restore")
    @RolesAllowed(DATA_SCIENTIST)
    public Map<String, Object> restoreExperiment(byte[] body, @Context UriInfo uri) {
        tracking.restoreExperiment(requests.read(body, uri, MlflowMessages.ExperimentRef.class).experimentId());
        return EMPTY;
    }

    @POST
    @Path("experiments/set-experiment-tag")
    @RolesAllowed(DATA_SCIENTIST)
    public Map<String, Object> setExperimentTag(byte[] body, @Context UriInfo uri) {
        tracking.setExperimentTag(requests.read(body, uri, MlflowMessages.SetExperimentTag.class));
        return EMPTY;
    }

    @POST
    @Path("runs/create")
    @RolesAllowed(DATA_SCIENTIST)
    public MlflowMessages.RunResponse createRun(byte[] body, @Context UriInfo uri) {
        return new MlflowMessages.RunResponse(tracking.createRun(requests.read(body, uri, MlflowMessages.CreateRun.class)));
    }

    @GET
    @Path("runs/get")
    public MlflowMessages.RunResponse run(@Context UriInfo uri) {
        MlflowMessages.RunRef request = requests.read(null, uri, MlflowMessages.RunRef.class);
        return new MlflowMessages.RunResponse(tracking.run(request.runId(), request.runUuid()));
    }

    @POST
    @Path("runs/update")
    @RolesAllowed(DATA_SCIENTIST)
    public MlflowMessages.UpdateRunResponse updateRun(byte[] body, @Context UriInfo uri) {
        return new MlflowMessages.UpdateRunResponse(tracking.updateRun(requests.read(body, uri, MlflowMessages.UpdateRun.class)));
    }

    @POST
    @Path("runs/delete")
    @RolesAllowed(DATA_SCIENTIST)
    public Map<String, Object> deleteRun(byte[] body, @Context UriInfo uri) {
        MlflowMessages.RunRef request = requests.read(body, uri, MlflowMessages.RunRef.class);
        tracking.deleteRun(request.runId(), request.runUuid());
        return EMPTY;
    }

    @POST
    @Path("runs/restore")
    @RolesAllowed(DATA_SCIENTIST)
    public Map<String, Object> restoreRun(byte[] body, @Context UriInfo uri) {
        MlflowMessages.RunRef request = requests.read(body, uri, MlflowMessages.RunRef.class);
        tracking.restoreRun(request.runId(), request.runUuid());
        return EMPTY;
    }

    @POST
    @Path("runs/log-metric")
    @RolesAllowed(DATA_SCIENTIST)
    public Map<String, Object> logMetric(byte[] body, @Context UriInfo uri,
            @HeaderParam(IDEMPOTENCY_KEY) String idempotencyKey) {
        tracking.logMetric(requests.read(body, uri, MlflowMessages.LogMetric.class), idempotencyKey);
        return EMPTY;
    }

    @POST
    @Path("runs/log-parameter")
    @RolesAllowed(DATA_SCIENTIST)
    public Map<String, Object> logParam(byte[] body, @Context UriInfo uri,
            @HeaderParam(IDEMPOTENCY_KEY) String idempotencyKey) {
        tracking.logParam(requests.read(body, uri, MlflowMessages.RunKeyValue.class), idempotencyKey);
        return EMPTY;
    }

    @POST
    @Path("runs/set-tag")
    @RolesAllowed(DATA_SCIENTIST)
    public Map<String, Object> setTag(byte[] body, @Context UriInfo uri) {
        tracking.setTag(requests.read(body, uri, MlflowMessages.RunKeyValue.class));
        return EMPTY;
    }

    @POST
    @Path("runs/delete-tag")
    @RolesAllowed(DATA_SCIENTIST)
    public Map<String, Object> deleteTag(byte[] body, @Context UriInfo uri) {
        tracking.deleteTag(requests.read(body, uri, MlflowMessages.DeleteRunTag.class));
        return EMPTY;
    }

    @POST
    @Path("runs/log-batch")
    @RolesAllowed(DATA_SCIENTIST)
    public Map<String, Object> logBatch(byte[] body, @Context UriInfo uri,
            @HeaderParam(IDEMPOTENCY_KEY) String idempotencyKey) {
        tracking.logBatch(requests.read(body, uri, MlflowMessages.LogBatch.class), idempotencyKey);
        return EMPTY;
    }

    @POST
    @Path("runs/search")
    public MlflowMessages.SearchRunsResponse searchRuns(byte[] body, @Context UriInfo uri) {
        return tracking.searchRuns(requests.read(body, uri, MlflowMessages.SearchRuns.class));
    }

    @GET
    @Path("runs/search")
    public MlflowMessages.SearchRunsResponse searchRunsByQuery(@Context UriInfo uri) {
        return tracking.searchRuns(requests.read(null, uri, MlflowMessages.SearchRuns.class));
    }

    @GET
    @Path("metrics/get-history")
    public MlflowMessages.MetricHistoryResponse metricHistory(@Context UriInfo uri) {
        return tracking.metricHistory(requests.read(null, uri, MlflowMessages.GetMetricHistory.class));
    }
}
