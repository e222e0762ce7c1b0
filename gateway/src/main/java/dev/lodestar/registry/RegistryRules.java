package dev.lodestar.registry;

import java.util.regex.Pattern;

import dev.lodestar.graphql.ApiException;

/**
 * What names the registry accepts. Model names appear in URLs and in lineage node ids
 * ({@code model:<name>:<version>}), so they hold no {@code /} or {@code :}. Alias names are short lower-case words;
 * {@code latest} and {@code v<number>} are reserved (as in MLflow) because they read like version references.
 */
final class RegistryRules {

    static final int MAX_CARD_SECTION = 20_000;
    static final int MAX_DESCRIPTION = 5_000;
    static final int MAX_REASON = 2_000;

    private static final Pattern MODEL_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.\\- ]{0,127}");
    private static final Pattern ALIAS = Pattern.compile("[a-z][a-z0-9_\\-]{0,62}");
    private static final Pattern RESERVED_ALIAS = Pattern.compile("latest|v[0-9]+");

    private RegistryRules() {
    }

    static String modelName(String name) {
        if (name == null || !MODEL_NAME.matcher(name).matches()) {
            throw ApiException.invalid("a model name is 1 to 128 letters, digits, spaces and _ . - , starting with a letter"
                    + " or digit; got '" + name + "'");
        }
        return name;
    }

    static String alias(String alias) {
        if (alias == null || !ALIAS.matcher(alias).matches()) {
            throw ApiException.invalid("an alias is 1 to 63 lower-case letters, digits, _ and -, starting with a letter;"
                    + " got '" + alias + "'");
        }
        if (RESERVED_ALIAS.matcher(alias).matches()) {
            throw ApiException.invalid("'" + alias + "' is reserved: it reads like a version reference");
        }
        return alias;
    }

    static String text(String what, String value, int max) {
        if (value != null && value.length() > max) {
            throw ApiException.invalid(what + " is at most " + max + " characters");
        }
        return value;
    }

    static String required(String what, String value, int max) {
        if (value == null || value.isBlank()) {
            throw ApiException.invalid(what + " is required");
        }
        return text(what, value.strip(), max);
    }
}
