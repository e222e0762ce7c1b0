package dev.lodestar.web;

import dev.lodestar.identity.Actor;
import dev.lodestar.identity.CurrentActor;
import io.quarkus.arc.Arc;
import io.quarkus.qute.TemplateGlobal;

/** Values every admin template may use. */
@TemplateGlobal
public class AdminGlobals {

    private AdminGlobals() {
    }

    /** The logged-in user, for the page header; null on pages shown before login. */
    static Actor actor() {
        return Arc.container().instance(CurrentActor.class).get().find().orElse(null);
    }
}
