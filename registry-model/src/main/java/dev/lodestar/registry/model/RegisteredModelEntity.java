package dev.lodestar.registry.model;

import java.time.Instant;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import org.hibernate.annotations.JdbcTypeCode;
import org.hibernate.type.SqlTypes;

/**
 * A registered model: a unique name under which versions are numbered, and its promotion policy (how many
 * distinct approvals a promotion needs, and which aliases move only through an approved promotion).
 */
@Entity
@Table(name = "registered_model")
public class RegisteredModelEntity {

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    public Long id;

    @Column(nullable = false)
    public String name;

    public String description;

    /** User name of whoever registered the model. */
    @Column(nullable = false)
    public String owner;

    @Column(name = "required_approvals", nullable = false)
    public int requiredApprovals = 1;

    @JdbcTypeCode(SqlTypes.ARRAY)
    @Column(name = "protected_aliases", nullable = false)
    public String[] protectedAliases = { "champion" };

    @Column(name = "created_at", nullable = false)
    public Instant createdAt;

    @Column(name = "updated_at", nullable = false)
    public Instant updatedAt;

    /** True when {@code alias} moves only through an approved promotion. */
    public boolean isProtected(String alias) {
        for (String protectedAlias : protectedAliases) {
            if (protectedAlias.equals(alias)) {
                return true;
            }
        }
        return false;
    }
}
