package dev.lodestar.lineage;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tribuo.Model;
import org.tribuo.MutableDataset;
import org.tribuo.classification.LabelFactory;
import org.tribuo.classification.sgd.linear.LogisticRegressionTrainer;
import org.tribuo.data.csv.CSVLoader;
import org.tribuo.evaluation.TrainTestSplitter;

import dev.lodestar.tribuo.TribuoModels;

/** Reading the training data files out of real Tribuo provenance, after the protobuf round trip the registry makes. */
class TrainingSourcesTest {

    @TempDir
    Path dir;

    /** A small CSV: two numeric features and a label that depends on them. */
    static String csv(int rows) {
        StringBuilder csv = new StringBuilder("tenure_months,monthly_charges,churned\n");
        java.util.Random random = new java.util.Random(3);
        for (int i = 0; i < rows; i++) {
            int tenure = 1 + random.nextInt(72);
            double charges = Math.round((20 + random.nextDouble() * 100) * 100) / 100.0;
            csv.append(tenure).append(',').append(charges).append(',').append(charges / 40 - tenure / 24.0 > 0.5 ? 1 : 0).append('\n');
        }
        return csv.toString();
    }

    /** A logistic regression trained by Tribuo's CSVLoader on {@code file}, through a train/test split. */
    static Model<?> trainedOn(Path file) throws IOException {
        var source = new CSVLoader<>(new LabelFactory()).loadDataSource(file, "churned");
        var split = new TrainTestSplitter<>(source, 0.8, 1L);
        return new LogisticRegressionTrainer().train(new MutableDataset<>(split.getTrain()));
    }

    @Test
    void aModelTrainedOnACsvFileNamesTheFileAndItsSha256() throws Exception {
        byte[] bytes = csv(200).getBytes(StandardCharsets.UTF_8);
        Path file = Files.write(dir.resolve("churn.csv"), bytes);
        Model<?> model = TribuoModels.read(new java.io.ByteArrayInputStream(trainedOn(file).serialize().toByteArray()));

        assertThat(TrainingSources.of(model.getProvenance())).containsExactly(new TrainingSources.Source(
                HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes)), file.toString()));
    }

    @Test
    void aModelTrainedOnDataInMemoryNamesNoFile() throws Exception {
        Model<?> model = TribuoModels.read(new java.io.ByteArrayInputStream(
                dev.lodestar.testing.Fixtures.tribuoModel("churn-logistic")));

        assertThat(TrainingSources.of(model.getProvenance())).isEmpty();
    }
}
