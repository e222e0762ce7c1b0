package dev.lodestar.mlflow;

import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * MLflow's model stages, mapped onto Lodestar's aliases. Lodestar has no stages: a version is what its aliases
 * say it is, and some aliases move only through an approved promotion. So:
 * <ul>
 * <li>{@code Production} is the alias {@value #PRODUCTION_ALIAS}: protected by default, so a transition to
 * Production is {@code PERMISSION_DENIED} and points at {@code requestPromotion} (unless an admin lifted the
 * protection for that model, in which case it moves like any alias);</li>
 * <li>{@code Staging} is the alias {@value #STAGING_ALIAS}: a data scientist moves it;</li>
 * <li>{@code None} is every version that neither alias points at; a transition to None removes the aliases of
 * both stages from the version (refused if one of them is protected);</li>
 * <li>{@code Archived} does not exist: versions are never archived, so the transition is refused.</li>
 * </ul>
 * A version that both aliases point at is in Production. An alias points at one version, so a transition always
 * "archives" the version that held the stage before, whatever {@code archive_existing_versions} says.
 */
public final class MlflowStages {

    /** The alias that stands for the Production stage. */
    public static final String PRODUCTION_ALIAS = "champion";
    /** The alias that stands for the Staging stage. */
    public static final String STAGING_ALIAS = "challenger";

    private MlflowStages() {
    }

    /** MLflow's stages, as MLflow spells them. */
    public enum Stage {
        NONE("None", null), STAGING("Staging", STAGING_ALIAS), PRODUCTION("Production", PRODUCTION_ALIAS),
        ARCHIVED("Archived", null);

        private final String label;
        private final String alias;

        Stage(String label, String alias) {
            this.label = label;
            this.alias = alias;
        }

        /** The name MLflow shows ({@code current_stage}). */
        public String label() {
            return label;
        }

        /** The alias standing for the stage, if any. */
        public Optional<String> alias() {
            return Optional.ofNullable(alias);
        }
    }

    /** The stage a client named, case-insensitive as in MLflow; {@code INVALID_PARAMETER_VALUE} otherwise. */
    public static Stage parse(String stage) {
        if (stage != null) {
            for (Stage candidate : Stage.values()) {
                if (candidate.label.toLowerCase(Locale.ROOT).equals(stage.strip().toLowerCase(Locale.ROOT))) {
                    return candidate;
                }
            }
        }
        throw new MlflowException(MlflowErrorCode.INVALID_PARAMETER_VALUE,
                "invalid model version stage '" + stage + "'; stages are None, Staging, Production and Archived");
    }

    /** The stage of a version pointed at by {@code aliases}. */
    public static Stage of(Collection<String> aliases) {
        if (aliases.contains(PRODUCTION_ALIAS)) {
            return Stage.PRODUCTION;
        }
        return aliases.contains(STAGING_ALIAS) ? Stage.STAGING : Stage.NONE;
    }

    /** The aliases that stand for stages, Production's first. */
    public static List<String> stageAliases() {
        return List.of(PRODUCTION_ALIAS, STAGING_ALIAS);
    }
}
