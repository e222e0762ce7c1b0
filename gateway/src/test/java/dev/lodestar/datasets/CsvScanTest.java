package dev.lodestar.datasets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;

import org.junit.jupiter.api.Test;

import dev.lodestar.tribuo.InputSchema.ColumnType;
import dev.lodestar.graphql.ApiException;

/** The CSV parser, type inference and the quantile sketch, without the application. */
class CsvScanTest {

    @Test
    void quotedFieldsEscapedQuotesAndLineBreaksFollowRfc4180() throws IOException {
        List<String> records = new ArrayList<>();
        String csv = "\uFEFFid,text\r\n1,\"say \"\"hi\"\"\r\nthere\"\r\n\r\n2,plain\n3,\"\"\n";
        // Fed one byte at a time, so every boundary (CRLF, quotes, UTF-8 sequences) falls between chunks somewhere.
        CsvParser parser = new CsvParser((line, fields) -> records.add(line + ":" + Arrays.toString(fields)), 1000);
        CsvBytes bytes = new CsvBytes(parser);
        for (byte b : csv.getBytes(StandardCharsets.UTF_8)) {
            bytes.feed(new byte[] { b }, 0, 1);
        }
        bytes.finish();

        assertThat(records).containsExactly("1:[id, text]", "2:[1, say \"hi\"\r\nthere]", "5:[2, plain]", "6:[3, ]");
    }

    @Test
    void typesAreInferredFromTheFirstThousandValues() throws IOException {
        DatasetScan.Result result = scan("a,b,c,d\n1,x,,1e3\n2.5,2,, -4 \n", Map.of());

        assertThat(result.columns()).containsExactly(new DatasetColumn("a", ColumnType.NUMBER), new DatasetColumn("b", ColumnType.TEXT),
                new DatasetColumn("c", ColumnType.TEXT), new DatasetColumn("d", ColumnType.NUMBER));
        assertThat(result.profile().columns().get(3).min()).isEqualTo(-4.0);
        assertThat(result.profile().columns().get(1).count()).isEqualTo(2);
    }

    @Test
    void javaOnlyNumberSpellingsAreText() {
        for (String text : List.of("NaN", "Infinity", "0x1p3", "1d", "1e", "-", ".", "1e999", "1,0")) {
            assertThat(Numbers.parse(text)).as(text).isNaN();
        }
        assertThat(Numbers.parse("+.5e-1")).isEqualTo(0.05);
    }

    @Test
    void aFieldOverTheLengthLimitIsRefused() {
        assertThatThrownBy(() -> new CsvBytes(new CsvParser(new DatasetScan(Map.of()), 10))
                .readAll(new ByteArrayInputStream("a\n12345678901\n".getBytes(StandardCharsets.UTF_8))))
                .isInstanceOf(ApiException.class).hasMessage("line 2, column 'a': a field longer than 10 characters");
    }

    @Test
    void theSketchIsExactUpToItsCapacityAndCloseBeyond() {
        QuantileSketch small = new QuantileSketch();
        for (int i = 1; i <= QuantileSketch.K; i++) {
            small.add(i);
        }
        assertThat(small.exact()).isTrue();
        assertThat(small.quantile(0.5)).isEqualTo((QuantileSketch.K + 1) / 2.0);

        QuantileSketch large = new QuantileSketch();
        int n = 2_000_000;
        double[] values = new double[n];
        Random random = new Random(11);
        for (int i = 0; i < n; i++) {
            values[i] = random.nextGaussian();
            large.add(values[i]);
        }
        Arrays.sort(values);
        assertThat(large.exact()).isFalse();
        for (double p : DatasetScan.QUANTILES) {
            double estimate = large.quantile(p);
            int rank = Math.abs(Arrays.binarySearch(values, estimate));
            assertThat((double) rank / n).as("p%s", p).isCloseTo(p, within(0.005));
        }
        long[] histogram = large.histogram(values[0], values[n - 1], 20);
        assertThat(Arrays.stream(histogram).sum()).isEqualTo(n);
    }

    private static DatasetScan.Result scan(String csv, Map<String, ColumnType> types) throws IOException {
        DatasetScan scan = new DatasetScan(types);
        new CsvBytes(new CsvParser(scan, 1000)).readAll(new ByteArrayInputStream(csv.getBytes(StandardCharsets.UTF_8)));
        return scan.result();
    }
}
