package dev.lodestar.drift;

import static dev.lodestar.identity.Roles.INFERENCE_SERVER;

import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

/**
 * {@code POST /api/serving/windows}: the inference servers ship their live windows and the outcomes they received
 * (a {@link WindowBatch}), with the {@code inference-server} role; {@code 204}, or {@code 400} with the reason and
 * nothing stored. The body's limit is {@link DriftConfig#maxWindowsBody()}.
 */
@Path("/api/serving/windows")
@RolesAllowed(INFERENCE_SERVER)
public class WindowsResource {

    private final WindowIntake intake;

    WindowsResource(WindowIntake intake) {
        this.intake = intake;
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    public Response windows(String body) {
        intake.accept(body);
        return Response.noContent().build();
    }
}
