package dev.lodestar.web;

import java.net.URI;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.core.Response;

import dev.lodestar.graphql.ApiException;
import dev.lodestar.graphql.ErrorCode;
import io.quarkus.security.Authenticated;

/** The admin's address itself: sends each user to the first section their roles open. */
@Path("/admin")
public class AdminHome {

    @GET
    @Authenticated
    public Response home() {
        AdminGlobals.Menu menu = AdminGlobals.menu();
        String first = menu.tracking() ? "/admin/models" : menu.audit() ? "/admin/audit" : null;
        if (first == null) {
            throw new ApiException(ErrorCode.FORBIDDEN, "the admin is for data scientists, approvers, auditors and admins");
        }
        return Response.seeOther(URI.create(first)).build();
    }
}
