package dev.lodestar.datasets;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Map;
import java.util.Random;

/**
 * Measures what an upload costs the gateway apart from HTTP: a generated CSV (default 100 MB; six columns, three
 * numeric, two text, one id) read through the parser and profiler while it is hashed and written to a file, the
 * way the artifact store writes uploads. Prints MB/s and the heap in use. Run with
 * {@code java -Xmx256m -cp <test-classes:classes:bench.classpath> dev.lodestar.datasets.DatasetUploadBench [MB]}.
 */
public final class DatasetUploadBench {

    private DatasetUploadBench() {
    }

    public static void main(String[] args) throws Exception {
        long megabytes = args.length > 0 ? Long.parseLong(args[0]) : 100;
        Path csv = Files.createTempFile("dataset-bench-", ".csv");
        Path out = Files.createTempFile("dataset-bench-", ".stored");
        try {
            generate(csv, megabytes * 1_000_000);
            long size = Files.size(csv);
            for (int run = 1; run <= 3; run++) {
                long started = System.nanoTime();
                DatasetScan scan = new DatasetScan(Map.of());
                MessageDigest digest = MessageDigest.getInstance("SHA-256");
                try (InputStream in = new CsvBytes(new CsvParser(scan, 1 << 20)).tee(Files.newInputStream(csv));
                        OutputStream stored = Files.newOutputStream(out)) {
                    byte[] buffer = new byte[64 * 1024];
                    for (int read; (read = in.read(buffer)) >= 0;) {
                        digest.update(buffer, 0, read);
                        stored.write(buffer, 0, read);
                    }
                }
                double seconds = (System.nanoTime() - started) / 1e9;
                Runtime runtime = Runtime.getRuntime();
                System.out.printf("run %d: %,d bytes, %,d rows in %.2f s = %.1f MB/s (sha256 %s…, heap in use %d MB of max %d MB)%n",
                        run, size, scan.result().rows(), seconds, size / 1e6 / seconds,
                        HexFormat.of().formatHex(digest.digest()).substring(0, 12),
                        (runtime.totalMemory() - runtime.freeMemory()) >> 20, runtime.maxMemory() >> 20);
            }
        } finally {
            Files.deleteIfExists(csv);
            Files.deleteIfExists(out);
        }
    }

    private static void generate(Path csv, long bytes) throws IOException {
        String[] plans = { "basic", "pro", "enterprise", "trial", "\"legacy, grandfathered\"" };
        Random random = new Random(1);
        try (BufferedWriter writer = Files.newBufferedWriter(csv, StandardCharsets.UTF_8)) {
            writer.write("id,age,income,plan,city,churn_score\r\n");
            long written = 0;
            for (long id = 1; written < bytes; id++) {
                String row = id + "," + (18 + random.nextInt(70)) + "," + String.format("%.2f", 20_000 + random.nextGaussian() * 15_000)
                        + "," + plans[random.nextInt(plans.length)] + ",city-" + random.nextInt(5_000) + ","
                        + (random.nextInt(10) == 0 ? "" : Double.toString(random.nextDouble())) + "\r\n";
                writer.write(row);
                written += row.length();
            }
        }
    }
}
