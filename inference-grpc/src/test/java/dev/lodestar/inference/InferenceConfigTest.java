package dev.lodestar.inference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

import org.junit.jupiter.api.Test;

/** The drift settings as read from the environment. */
class InferenceConfigTest {

    static Map<String, String> env(String... pairs) {
        Map<String, String> env = new HashMap<>(Map.of("LODESTAR_OIDC_ISSUER", "http://localhost:8180/realms/lodestar"));
        for (int i = 0; i < pairs.length; i += 2) {
            env.put(pairs[i], pairs[i + 1]);
        }
        return env;
    }

    @Test
    void driftSettingsDefaultToFiveMinuteWindowsShippedEveryTenSeconds() {
        assertThat(InferenceConfig.fromEnvironment(env()).drift()).isEqualTo(InferenceConfig.Drift.DEFAULTS);
        assertThat(InferenceConfig.Drift.DEFAULTS.window()).isEqualTo(Duration.ofMinutes(5));
        assertThat(InferenceConfig.Drift.DEFAULTS.shipInterval()).isEqualTo(Duration.ofSeconds(10));
        assertThat(InferenceConfig.Drift.DEFAULTS.ship()).isTrue();
    }

    @Test
    void driftSettingsAreReadAsIsoDurationsOrTheShortForm() {
        InferenceConfig.Drift drift = InferenceConfig.fromEnvironment(env("LODESTAR_DRIFT_WINDOW", "PT1H",
                "LODESTAR_DRIFT_SHIP_INTERVAL", "2s", "LODESTAR_DRIFT_SHIP", "false", "LODESTAR_DRIFT_BUFFER_ROWS", "1000",
                "LODESTAR_DRIFT_RETAINED_WINDOWS", "3", "LODESTAR_FEEDBACK_BUFFER", "10")).drift();

        assertThat(drift).isEqualTo(new InferenceConfig.Drift(Duration.ofHours(1), Duration.ofSeconds(2), false, 1000, 3, 10));
    }

    @Test
    void malformedDriftSettingsAreRefusedNamingTheVariable() {
        assertThatThrownBy(() -> InferenceConfig.fromEnvironment(env("LODESTAR_DRIFT_WINDOW", "PT0.5S")))
                .hasMessageContaining("LODESTAR_DRIFT_WINDOW");
        assertThatThrownBy(() -> InferenceConfig.fromEnvironment(env("LODESTAR_DRIFT_WINDOW", "five minutes")))
                .hasMessageContaining("LODESTAR_DRIFT_WINDOW");
        assertThatThrownBy(() -> InferenceConfig.fromEnvironment(env("LODESTAR_DRIFT_SHIP", "maybe")))
                .hasMessageContaining("LODESTAR_DRIFT_SHIP");
    }
}
