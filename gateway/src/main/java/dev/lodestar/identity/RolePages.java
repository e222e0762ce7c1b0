package dev.lodestar.identity;

import static dev.lodestar.identity.Roles.ADMIN;

import java.net.URI;
import java.util.List;

import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.FormParam;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import dev.lodestar.web.FormTokens;
import dev.lodestar.web.Links;
import io.quarkus.qute.CheckedTemplate;
import io.quarkus.qute.TemplateInstance;

/** The admins' page of users and their Lodestar roles, with a grant or revoke button per role. */
@Path("/admin/roles")
@Produces(MediaType.TEXT_HTML)
@RolesAllowed(ADMIN)
public class RolePages {

    static final int MAX_USERS = 200;

    private final RoleAdministration roles;
    private final FormTokens forms;

    RolePages(RoleAdministration roles, FormTokens forms) {
        this.roles = roles;
        this.forms = forms;
    }

    @CheckedTemplate(basePath = "roles")
    static class Templates {
        static native TemplateInstance users(UserList page);
    }

    /** The users shown, the roles managed, the search typed and the outcome of the last change, if any. */
    public record UserList(List<RoleAdministration.UserRoles> users, List<String> roles, String q, String done) {
    }

    @GET
    public TemplateInstance users(@QueryParam("q") String q, @QueryParam("done") String done) {
        return Templates.users(new UserList(roles.users(q, MAX_USERS), RoleAdministration.MANAGED, q == null ? "" : q, done));
    }

    @POST
    @Path("/{user}/grant")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    public Response grant(@PathParam("user") String user, @FormParam(FormTokens.FIELD) String csrf, @FormParam("role") String role) {
        forms.check(csrf);
        RoleAdministration.UserRoles changed = roles.grant(user, role);
        return back(changed.user().username() + " holds " + role);
    }

    @POST
    @Path("/{user}/revoke")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    public Response revoke(@PathParam("user") String user, @FormParam(FormTokens.FIELD) String csrf, @FormParam("role") String role) {
        forms.check(csrf);
        RoleAdministration.UserRoles changed = roles.revoke(user, role);
        return back(changed.user().username() + " no longer holds " + role);
    }

    private static Response back(String done) {
        return Response.seeOther(URI.create("/admin/roles?done=" + Links.encode(done))).build();
    }
}
