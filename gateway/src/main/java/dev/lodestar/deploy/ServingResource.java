package dev.lodestar.deploy;

import static dev.lodestar.identity.Roles.INFERENCE_SERVER;

import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

/**
 * The inference servers' side of the control plane, for callers with role {@code inference-server} (the
 * {@code lodestar-inference} client, by client credentials):
 * <ul>
 * <li>{@code GET /api/serving/desired-state}: the {@link DesiredState} as JSON with {@code ETag: "<revision>"};
 * with {@code If-None-Match} naming the current revision, {@code 304} and no body, so polling every second costs
 * one indexed read;</li>
 * <li>{@code PUT /api/serving/replicas/{replicaId}}: a {@link ReplicaReport}; {@code 204}.</li>
 * </ul>
 */
@Path("/api/serving")
@RolesAllowed(INFERENCE_SERVER)
public class ServingResource {

    private final Deployments deployments;
    private final ServingReplicas replicas;

    ServingResource(Deployments deployments, ServingReplicas replicas) {
        this.deployments = deployments;
        this.replicas = replicas;
    }

    @GET
    @Path("/desired-state")
    @Produces(MediaType.APPLICATION_JSON)
    public Response desiredState(@HeaderParam(HttpHeaders.IF_NONE_MATCH) String ifNoneMatch) {
        String current = etag(deployments.revision());
        if (matches(ifNoneMatch, current)) {
            return Response.notModified().header(HttpHeaders.ETAG, current).header(HttpHeaders.CACHE_CONTROL, "no-cache").build();
        }
        DesiredState state = deployments.desiredState();
        return Response.ok(state).header(HttpHeaders.ETAG, etag(state.revision())).header(HttpHeaders.CACHE_CONTROL, "no-cache")
                .build();
    }

    @PUT
    @Path("/replicas/{replicaId}")
    @Consumes(MediaType.APPLICATION_JSON)
    public Response report(@PathParam("replicaId") String replicaId, String body) {
        replicas.report(replicaId, body);
        return Response.noContent().build();
    }

    private static String etag(long revision) {
        return "\"" + revision + "\"";
    }

    /** True when {@code If-None-Match} lists the current tag (weak or strong) or {@code *}. */
    private static boolean matches(String ifNoneMatch, String current) {
        if (ifNoneMatch == null) {
            return false;
        }
        for (String tag : ifNoneMatch.split(",")) {
            String trimmed = tag.trim();
            if (trimmed.startsWith("W/")) {
                trimmed = trimmed.substring(2);
            }
            if (trimmed.equals(current) || trimmed.equals("*")) {
                return true;
            }
        }
        return false;
    }
}
