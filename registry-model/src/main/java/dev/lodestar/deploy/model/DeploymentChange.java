package dev.lodestar.deploy.model;

/** Why a deployment's desired state changed, as its history records it. */
public enum DeploymentChange {
    /** The deployment was created. */
    CREATED,
    /** Someone changed its alias or version, canary or shadow. */
    UPDATED,
    /** The alias it follows moved, and it moved with it. */
    ALIAS_MOVED,
    /** The alias it follows was removed; it keeps serving its last version. */
    ALIAS_DELETED,
    /** It went back to its previous primary version. */
    ROLLED_BACK,
    /** The deployment was deleted; nothing serves under its name from then on. */
    DELETED
}
