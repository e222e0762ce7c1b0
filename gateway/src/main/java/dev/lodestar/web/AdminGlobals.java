package dev.lodestar.web;

import static dev.lodestar.identity.Roles.ADMIN;
import static dev.lodestar.identity.Roles.APPROVER;
import static dev.lodestar.identity.Roles.AUDITOR;
import static dev.lodestar.identity.Roles.DATA_SCIENTIST;

import java.util.Set;

import dev.lodestar.identity.Actor;
import dev.lodestar.identity.CurrentActor;
import io.quarkus.arc.Arc;
import io.quarkus.arc.ArcContainer;
import io.quarkus.qute.TemplateGlobal;
import io.quarkus.vertx.http.runtime.CurrentVertxRequest;
import io.quarkus.vertx.http.runtime.security.QuarkusHttpUser;
import io.vertx.ext.web.RoutingContext;

/** Values every admin template may use. */
@TemplateGlobal
public class AdminGlobals {

    private AdminGlobals() {
    }

    /**
     * The logged-in user, for the page header; null on pages shown before or without login. Only a user the
     * request has already authenticated is shown: a page that needs no login (a 404 of an unknown address, the
     * page saying sign-in is unavailable) must not start a login to fill in its header.
     */
    static Actor actor() {
        ArcContainer container = Arc.container();
        if (!container.requestContext().isActive()) {
            return null;
        }
        RoutingContext request = container.instance(CurrentVertxRequest.class).get().getCurrent();
        if (request == null || !(request.user() instanceof QuarkusHttpUser user) || user.getSecurityIdentity().isAnonymous()) {
            return null;
        }
        return container.instance(CurrentActor.class).get().find().orElse(null);
    }

    /** The logged-in user's form token, for the hidden {@code csrf} field of every form. */
    static String csrf() {
        return Arc.container().instance(FormTokens.class).get().current();
    }

    /** Which sections the logged-in user may open, so the navigation offers only those. */
    static Menu menu() {
        Actor actor = actor();
        return Menu.of(actor == null ? Set.of() : actor.roles());
    }

    /**
     * The admin's sections a set of roles may open; the pages themselves enforce the same rules.
     *
     * @param tracking  experiments and models, for every Lodestar role but the predictor
     * @param approvals the promotion queue, likewise
     * @param deployments deployments and their live state, likewise
     * @param drift     drift reports of the deployments, likewise
     * @param lineage   the lineage graph and what served when, likewise
     * @param audit     the audit trail, for auditors and admins
     * @param roles     user roles, for admins
     */
    public record Menu(boolean tracking, boolean approvals, boolean deployments, boolean drift, boolean lineage, boolean audit, boolean roles) {

        static Menu of(Set<String> roles) {
            boolean reader = roles.contains(DATA_SCIENTIST) || roles.contains(APPROVER) || roles.contains(AUDITOR)
                    || roles.contains(ADMIN);
            return new Menu(reader, reader, reader, reader, reader, roles.contains(AUDITOR) || roles.contains(ADMIN), roles.contains(ADMIN));
        }
    }
}
