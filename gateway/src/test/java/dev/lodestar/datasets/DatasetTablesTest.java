package dev.lodestar.datasets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.UUID;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import dev.lodestar.tribuo.InputSchema.ColumnType;
import dev.lodestar.graphql.ApiException;
import dev.lodestar.graphql.ErrorCode;
import dev.lodestar.testing.Fixtures;
import dev.lodestar.testing.LodestarStack;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;

/** Training's view of a dataset: the uploaded CSV read back from the store with the types found at upload. */
@QuarkusTest
@QuarkusTestResource(LodestarStack.class)
class DatasetTablesTest {

    @Inject
    DatasetTables tables;

    @Test
    void aVersionReadsBackAsTypedCellsWithTheirLines() {
        String csv = "age,plan,note\r\n31,basic,\"two\r\nlines\"\r\n,pro,x\r\n\r\n52.5,,y\r\n";
        String id = DatasetApiTest.upload(Fixtures.unique("table"), csv.getBytes(StandardCharsets.UTF_8), null)
                .then().statusCode(201).extract().path("id");

        DatasetTable table = tables.load(UUID.fromString(id));

        assertThat(table.columnNames()).containsExactly("age", "plan", "note");
        assertThat(table.types()).containsExactly(ColumnType.NUMBER, ColumnType.TEXT, ColumnType.TEXT);
        assertThat(table.rows()).hasSize(3);
        assertThat(table.rows().get(0)).containsExactly(31.0, "basic", "two\r\nlines");
        assertThat(table.rows().get(1)).containsExactly(null, "pro", "x");
        assertThat(table.rows().get(2)).containsExactly(52.5, null, "y");
        assertThat(table.line(0)).isEqualTo(2);
        assertThat(table.line(1)).isEqualTo(4);
        assertThat(table.line(2)).isEqualTo(6);
        assertThat(table.version().rows).isEqualTo(3);
    }

    @Test
    void anUnknownVersionIsNotFound() {
        assertThatThrownBy(() -> tables.load(UUID.randomUUID())).isInstanceOf(ApiException.class)
                .satisfies(e -> assertThat(((ApiException) e).code()).isEqualTo(ErrorCode.NOT_FOUND));
    }
}
