package dev.lodestar.tribuo;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;

import org.tribuo.Model;
import org.tribuo.MutableDataset;
import org.tribuo.classification.Label;
import org.tribuo.classification.LabelFactory;
import org.tribuo.classification.sgd.linear.LogisticRegressionTrainer;
import org.tribuo.datasource.ListDataSource;
import org.tribuo.impl.ArrayExample;
import org.tribuo.provenance.SimpleDataSourceProvenance;
import org.tribuo.regression.RegressionFactory;
import org.tribuo.regression.Regressor;
import org.tribuo.regression.sgd.linear.LinearSGDTrainer;
import org.tribuo.regression.sgd.objectives.SquaredLoss;

/**
 * Small, deterministic Tribuo models for tests: a churn classifier (logistic regression) and a spend regressor
 * (linear SGD) over the same three features. {@link #main} writes the golden files under
 * {@code src/test/resources/models}.
 */
public final class SmallModels {

    static final String[] FEATURES = { "tenure_months", "monthly_charges", "support_calls" };

    private SmallModels() {
    }

    /** A churn classifier with classes {@code churn} and {@code stay}. */
    public static Model<Label> churnClassifier() {
        LabelFactory labels = new LabelFactory();
        var examples = new java.util.ArrayList<org.tribuo.Example<Label>>();
        SplittableRandom random = new SplittableRandom(7);
        for (int i = 0; i < 400; i++) {
            double tenure = random.nextDouble(0, 72);
            double charges = random.nextDouble(20, 120);
            double calls = random.nextInt(0, 8);
            boolean churn = charges / 40 + calls / 2 - tenure / 24 > 1;
            examples.add(new ArrayExample<>(new Label(churn ? "churn" : "stay"), FEATURES,
                    new double[] { tenure, charges, calls }));
        }
        var source = new ListDataSource<>(examples, labels, new SimpleDataSourceProvenance("churn-sample", labels));
        return new LogisticRegressionTrainer().train(new MutableDataset<>(source));
    }

    /** A regressor of monthly spend. */
    public static Model<Regressor> spendRegressor() {
        RegressionFactory regressors = new RegressionFactory();
        var examples = new java.util.ArrayList<org.tribuo.Example<Regressor>>();
        SplittableRandom random = new SplittableRandom(11);
        for (int i = 0; i < 400; i++) {
            double tenure = random.nextDouble(0, 72);
            double charges = random.nextDouble(20, 120);
            double calls = random.nextInt(0, 8);
            examples.add(new ArrayExample<>(new Regressor("spend", charges * 1.1 + calls * 3 - tenure * 0.1), FEATURES,
                    new double[] { tenure, charges, calls }));
        }
        var source = new ListDataSource<>(examples, regressors, new SimpleDataSourceProvenance("spend-sample", regressors));
        return new LinearSGDTrainer(new SquaredLoss(), new org.tribuo.math.optimisers.AdaGrad(0.1), 5, 1).train(new MutableDataset<>(source));
    }

    /** The protobuf bytes of a model, as Tribuo writes them. */
    public static byte[] bytesOf(Model<?> model) {
        return model.serialize().toByteArray();
    }

    /** Writes the golden files. */
    public static void main(String[] args) throws IOException {
        Path dir = Path.of(args.length > 0 ? args[0] : "src/test/resources/models");
        Files.createDirectories(dir);
        try (OutputStream out = Files.newOutputStream(dir.resolve("churn-logistic.tribuo"))) {
            out.write(bytesOf(churnClassifier()));
        }
        try (OutputStream out = Files.newOutputStream(dir.resolve("spend-linear.tribuo"))) {
            out.write(bytesOf(spendRegressor()));
        }
    }
}
