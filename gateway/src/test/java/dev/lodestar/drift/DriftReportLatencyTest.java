package dev.lodestar.drift;

import static dev.lodestar.drift.DriftFixtures.post;
import static dev.lodestar.drift.DriftFixtures.send;
import static dev.lodestar.drift.DriftFixtures.windowStart;
import static dev.lodestar.testing.Fixtures.unique;
import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import org.junit.jupiter.api.Test;

import dev.lodestar.devstack.TestStack;
import dev.lodestar.drift.sketch.ColumnKind;
import dev.lodestar.drift.sketch.Profile;
import dev.lodestar.drift.sketch.ProfileBuilder;
import dev.lodestar.drift.sketch.ProfileColumn;
import dev.lodestar.testing.Fixtures;
import dev.lodestar.testing.GraphQL;
import io.quarkus.test.junit.QuarkusTest;

/**
 * What a drift report of 20 features over an hour of windows (12 windows of 1,000 rows, sketches of a 50,000-row
 * reference) costs in the running gateway through {@code /graphql}, HTTP and token check included. Prints the median.
 */
@QuarkusTest
class DriftReportLatencyTest {

    private static final int FEATURES = 20;

    @Test
    void aReportOfTwentyFeaturesOverAnHourIsQuick() throws SQLException {
        String model = Fixtures.createModel(unique("latency"));
        int version = Fixtures.createReadyVersion(model, Fixtures.tribuoModel("churn-logistic"));
        String deployment = unique("latency");
        GraphQL.as("alice").data("mutation($n: String!, $m: String!, $v: Int) { createDeployment(name: $n, model: $m, version: $v) { name } }",
                "n", deployment, "m", model, "v", version);
        List<ProfileColumn> columns = new ArrayList<>();
        for (int f = 0; f < FEATURES; f++) {
            columns.add(new ProfileColumn(String.format("f%02d", f), ColumnKind.NUMBER));
        }
        Profile reference = profile(columns, 50_000, new Random(1), 0);
        Profile predictions = DriftFixtures.labels("churn", 10, "stay", 30);
        try (Connection db = DriverManager.getConnection(TestStack.get().jdbcUrl(), TestStack.get().dbUser(), TestStack.get().dbPassword());
                PreparedStatement insert = db.prepareStatement("insert into reference_profile (model_id, version, rows, prediction_rows,"
                        + " features, predictions, source, created_by, created_at) select id, ?, ?, ?, ?, ?, 'RECORDED', 'alice', now()"
                        + " from registered_model where name = ?")) {
            insert.setInt(1, version);
            insert.setLong(2, reference.rows());
            insert.setLong(3, predictions.rows());
            insert.setBytes(4, reference.toBytes());
            insert.setBytes(5, predictions.toBytes());
            insert.setString(6, model);
            assertThat(insert.executeUpdate()).isEqualTo(1);
        }
        Random random = new Random(2);
        List<Map<String, Object>> windows = new ArrayList<>();
        for (int w = 12; w >= 1; w--) {
            Instant start = windowStart(w);
            Map<String, Object> window = new HashMap<>();
            window.put("deployment", deployment);
            window.put("model", model);
            window.put("version", version);
            window.put("start", start.toString());
            window.put("end", start.plusSeconds(300).toString());
            window.put("rows", 1000);
            window.put("dropped", 0);
            window.put("features", Base64.getEncoder().encodeToString(profile(columns, 1000, random, w <= 3 ? 0.5 : 0).toBytes()));
            window.put("predictions", Base64.getEncoder().encodeToString(predictions.toBytes()));
            windows.add(window);
        }
        String replica = unique("replica");
        for (Map<String, Object> window : windows) {
            post(send(replica, "inc", List.of(window), null)).then().statusCode(204);
        }

        String from = windowStart(12).toString();
        String to = windowStart(0).toString();
        String query = "query($d: String!, $from: DateTime!, $to: DateTime!) { driftReport(deployment: $d, from: $from, to: $to) {"
                + " rows datasetDrift driftShare features { feature test statistic pValue threshold drifted psi } } }";
        for (int i = 0; i < 10; i++) {
            assertThat(GraphQL.as("carol").data(query, "d", deployment, "from", from, "to", to).getList("driftReport.features"))
                    .hasSize(FEATURES);
        }
        long[] nanos = new long[40];
        for (int i = 0; i < nanos.length; i++) {
            long started = System.nanoTime();
            GraphQL.as("carol").data(query, "d", deployment, "from", from, "to", to);
            nanos[i] = System.nanoTime() - started;
        }
        Arrays.sort(nanos);
        double median = nanos[nanos.length / 2] / 1e6;
        System.out.printf("driftReport of %d features over 12 windows x 1000 rows (reference 50000 rows): median %.1f ms,"
                + " p90 %.1f ms over %d calls through /graphql%n", FEATURES, median, nanos[nanos.length * 9 / 10] / 1e6, nanos.length);
        assertThat(median).isLessThan(500);
    }

    /** Rows of normal values (mean {@code shift}, sd 1) in every column. */
    private static Profile profile(List<ProfileColumn> columns, int rows, Random random, double shift) {
        ProfileBuilder builder = new ProfileBuilder(columns);
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < columns.size(); c++) {
                builder.number(c, random.nextGaussian() + shift);
            }
            builder.endRow();
        }
        return builder.build();
    }
}
