package dev.lodestar.lineage;

import static dev.lodestar.identity.Roles.ADMIN;
import static dev.lodestar.identity.Roles.DATA_SCIENTIST;
import static dev.lodestar.identity.Roles.LINEAGE_PRODUCER;

import java.util.Map;

import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import dev.lodestar.graphql.ErrorCode;

/**
 * The OpenLineage endpoint, {@code POST /api/v1/lineage}, where Marquez has it, so OpenLineage integrations (Airflow,
 * Spark, dbt, the OpenLineage clients' HTTP transport) send to Lodestar unchanged. One event per request:
 * {@code 201} when stored, {@code 200} when the same event was received before, both with {@code {"id", "stored"}};
 * {@code 400} with {@code {"code": "INVALID_ARGUMENT", "message", "violations": [...]}} and nothing stored when the
 * event is not valid. For role {@code lineage-producer} (client {@code lodestar-lineage}, by client credentials),
 * data scientists and admins.
 */
@Path("/api/v1/lineage")
@RolesAllowed({ LINEAGE_PRODUCER, DATA_SCIENTIST, ADMIN })
public class OpenLineageResource {

    private final OpenLineageEvents events;

    OpenLineageResource(OpenLineageEvents events) {
        this.events = events;
    }

    @POST
    @Consumes(MediaType.WILDCARD)
    @Produces(MediaType.APPLICATION_JSON)
    public Response receive(byte[] body) {
        try {
            OpenLineageEvents.Accepted accepted = events.accept(body);
            return Response.status(accepted.stored() ? Response.Status.CREATED : Response.Status.OK)
                    .entity(Map.of("id", accepted.id(), "stored", accepted.stored())).build();
        } catch (OpenLineageEvents.Invalid e) {
            return Response.status(Response.Status.BAD_REQUEST).type(MediaType.APPLICATION_JSON_TYPE)
                    .entity(Map.of("code", ErrorCode.INVALID_ARGUMENT.name(), "message",
                            "not a valid OpenLineage event (" + e.violations().size() + " violations)", "violations", e.violations()))
                    .build();
        }
    }
}
