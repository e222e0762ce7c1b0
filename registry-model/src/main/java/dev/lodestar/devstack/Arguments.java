package dev.lodestar.devstack;

import java.util.HashMap;
import java.util.Map;

/** Parses {@code --name value} pairs, the only argument form the local-stack programs take. */
final class Arguments {

    private Arguments() {
    }

    static Map<String, String> parse(String[] args) {
        Map<String, String> options = new HashMap<>();
        for (int i = 0; i < args.length; i += 2) {
            if (!args[i].startsWith("--") || i + 1 == args.length) {
                throw new IllegalArgumentException("expected --name value pairs, got: " + String.join(" ", args));
            }
            options.put(args[i].substring(2), args[i + 1]);
        }
        return options;
    }
}
