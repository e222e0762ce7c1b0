package dev.lodestar.identity;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;

import dev.lodestar.audit.AuditAction;
import dev.lodestar.audit.AuditLog;
import dev.lodestar.graphql.ApiException;
import dev.lodestar.graphql.ErrorCode;

/**
 * Who holds which Lodestar role, and the one way to change it: by an admin, one role at a time, recorded in the
 * audit trail in the same transaction, never leaving the realm without an admin. Role changes of all gateways are
 * serialised on one PostgreSQL advisory lock, so two admins removing each other cannot both succeed.
 */
@ApplicationScoped
public class RoleAdministration {

    /** The realm roles this page manages, in the order shown. */
    public static final List<String> MANAGED = List.of(Roles.DATA_SCIENTIST, Roles.APPROVER, Roles.AUDITOR, Roles.ADMIN,
            Roles.PREDICTOR);

    private static final long ROLE_CHANGES_LOCK = 0x4c6f_6465_526f_6c65L;

    /** A user and the managed roles they hold. */
    public record UserRoles(KeycloakUsers.User user, Set<String> roles) {

        /** Whether the user holds {@code role}. */
        public boolean has(String role) {
            return roles.contains(role);
        }
    }

    private final KeycloakUsers keycloak;
    private final AuditLog audit;
    private final CurrentActor actor;
    private final EntityManager entityManager;

    RoleAdministration(KeycloakUsers keycloak, AuditLog audit, CurrentActor actor, EntityManager entityManager) {
        this.keycloak = keycloak;
        this.audit = audit;
        this.actor = actor;
        this.entityManager = entityManager;
    }

    /** Users matching {@code search} with their managed roles, by user name. */
    public List<UserRoles> users(String search, int max) {
        requireAdmin();
        Map<String, Set<String>> roles = new LinkedHashMap<>();
        for (String role : MANAGED) {
            for (String id : keycloak.holders(role)) {
                roles.computeIfAbsent(id, k -> new TreeSet<>(Comparator.comparingInt(MANAGED::indexOf))).add(role);
            }
        }
        List<UserRoles> users = new ArrayList<>();
        for (KeycloakUsers.User user : keycloak.users(search, max)) {
            users.add(new UserRoles(user, roles.getOrDefault(user.id(), Set.of())));
        }
        users.sort(Comparator.comparing(u -> u.user().username()));
        return users;
    }

    /** Gives {@code role} to the user; nothing changes (and nothing is recorded) if they hold it already. */
    @Transactional
    public UserRoles grant(String userId, String role) {
        return change(userId, role, true);
    }

    /** Takes {@code role} from the user; refused with {@code CONFLICT} if they are the last admin. */
    @Transactional
    public UserRoles revoke(String userId, String role) {
        return change(userId, role, false);
    }

    private UserRoles change(String userId, String role, boolean grant) {
        requireAdmin();
        if (!MANAGED.contains(role)) {
            throw ApiException.invalid("role: one of " + MANAGED + ", got '" + role + "'");
        }
        KeycloakUsers.User user = keycloak.user(userId);
        entityManager.createNativeQuery("select pg_advisory_xact_lock(:lock)").setParameter("lock", ROLE_CHANGES_LOCK).getSingleResult();
        Set<String> before = managed(keycloak.rolesOf(userId));
        if (before.contains(role) == grant) {
            return new UserRoles(user, before);
        }
        if (!grant && Roles.ADMIN.equals(role) && new HashSet<>(keycloak.holders(Roles.ADMIN)).equals(Set.of(userId))) {
            throw ApiException.conflict(user.username() + " is the last admin; make someone else admin first");
        }
        Set<String> after = new TreeSet<>(Comparator.comparingInt(MANAGED::indexOf));
        after.addAll(before);
        if (grant) {
            after.add(role);
        } else {
            after.remove(role);
        }
        audit.record(grant ? AuditAction.ROLE_GRANTED : AuditAction.ROLE_REVOKED, user.username(),
                AuditLog.fields("user", user.username(), "roles", List.copyOf(before)),
                AuditLog.fields("user", user.username(), "roles", List.copyOf(after)));
        // The record must be writable before Keycloak changes: a failure here leaves both untouched.
        entityManager.flush();
        if (grant) {
            keycloak.grant(userId, role);
        } else {
            keycloak.revoke(userId, role);
        }
        return new UserRoles(user, after);
    }

    private Set<String> managed(List<String> roles) {
        Set<String> managed = new TreeSet<>(Comparator.comparingInt(MANAGED::indexOf));
        roles.stream().filter(MANAGED::contains).forEach(managed::add);
        return managed;
    }

    private void requireAdmin() {
        if (!actor.get().roles().contains(Roles.ADMIN)) {
            throw new ApiException(ErrorCode.FORBIDDEN, "only an admin manages roles");
        }
    }
}
