package dev.lodestar.inference;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import org.tribuo.Example;
import org.tribuo.Model;
import org.tribuo.MutableDataset;
import org.tribuo.Prediction;
import org.tribuo.classification.Label;
import org.tribuo.classification.LabelFactory;
import org.tribuo.classification.sgd.linear.LogisticRegressionTrainer;
import org.tribuo.impl.ArrayExample;
import org.tribuo.provenance.SimpleDataSourceProvenance;
import org.tribuo.regression.RegressionFactory;
import org.tribuo.regression.Regressor;
import org.tribuo.regression.sgd.linear.LinearSGDTrainer;
import org.tribuo.regression.sgd.objectives.SquaredLoss;
import org.tribuo.math.optimisers.AdaGrad;

import dev.lodestar.inference.v1.FeatureValue;
import dev.lodestar.tribuo.InputSchema;

/** Small real Tribuo models for the tests, written in Tribuo's protobuf format, and rows to score. */
public final class TestModels {

    private TestModels() {
    }

    /** Feature names of the 20-number classifier. */
    public static final List<String> NUMBERS = numbers(20);

    /** A written artifact: where it is and its SHA-256. */
    public record Artifact(Path path, String sha256, Model<?> model) {
    }

    /** A logistic regression over 20 numbers, classes "no" and "yes"; {@code seed} changes the weights. */
    public static Model<Label> classifier(long seed) {
        Random random = new Random(seed);
        MutableDataset<Label> data = new MutableDataset<>(new SimpleDataSourceProvenance("synthetic", new LabelFactory()),
                new LabelFactory());
        String[] names = NUMBERS.toArray(String[]::new);
        for (int i = 0; i < 400; i++) {
            double[] values = new double[names.length];
            double sum = 0;
            for (int f = 0; f < values.length; f++) {
                values[f] = random.nextGaussian();
                sum += values[f] * (f % 3 == 0 ? 1 : -0.5);
            }
            data.add(new ArrayExample<>(new Label(sum > 0 ? "yes" : "no"), names, values));
        }
        return new LogisticRegressionTrainer().train(data);
    }

    /** A linear regression over a number and a text column ("plan": basic or pro), with its input schema. */
    public static Model<Regressor> regression(long seed) {
        Random random = new Random(seed);
        InputSchema schema = new InputSchema(List.of(InputSchema.Column.number("x", null),
                InputSchema.Column.text("plan", List.of("basic", "pro"))));
        RegressionFactory factory = new RegressionFactory();
        MutableDataset<Regressor> data = new MutableDataset<>(new SimpleDataSourceProvenance("synthetic", factory), factory);
        for (int i = 0; i < 300; i++) {
            double x = random.nextDouble() * 10;
            boolean pro = random.nextBoolean();
            data.add(new ArrayExample<>(new Regressor("y", 2 * x + (pro ? 5 : 0) + random.nextGaussian() * 0.1),
                    new String[] {"x", InputSchema.featureName("plan", pro ? "pro" : "basic")}, new double[] {x, 1}));
        }
        return new LinearSGDTrainer(new SquaredLoss(), new AdaGrad(0.5), 20, seed).train(data, schema.asProvenance());
    }

    /** Writes {@code model} in Tribuo's protobuf format. */
    public static Artifact write(Model<?> model, Path path) {
        try {
            Files.createDirectories(path.getParent());
            model.serializeToFile(path);
            byte[] bytes = Files.readAllBytes(path);
            return new Artifact(path, HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(bytes)),
                    model);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A random row of the 20-number classifier's features. */
    public static Map<String, FeatureValue> row(Random random) {
        Map<String, FeatureValue> row = new LinkedHashMap<>();
        for (String name : NUMBERS) {
            row.put(name, FeatureValue.newBuilder().setNumber(random.nextGaussian()).build());
        }
        return row;
    }

    /** What Tribuo itself predicts for a row of numbers. */
    @SuppressWarnings("unchecked")
    public static <T extends org.tribuo.Output<T>> Prediction<T> tribuo(Model<T> model, Map<String, Double> numbers) {
        String[] names = numbers.keySet().toArray(String[]::new);
        double[] values = numbers.values().stream().mapToDouble(Double::doubleValue).toArray();
        Example<T> example = new ArrayExample<>((T) model.getOutputIDInfo().getDomain().iterator().next(), names, values);
        return model.predict(example);
    }

    /** The numbers of a row, by name. */
    public static Map<String, Double> numbersOf(Map<String, FeatureValue> row) {
        Map<String, Double> numbers = new LinkedHashMap<>();
        row.forEach((name, value) -> numbers.put(name, value.getNumber()));
        return numbers;
    }

    private static List<String> numbers(int count) {
        List<String> names = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            names.add(String.format("f%02d", i));
        }
        return List.copyOf(names);
    }

    /** The desired state JSON of one deployment, versions given as (version, artifact) with optional canary/shadow. */
    public static String state(long revision, String deployment, int version, Artifact primary, Integer canaryVersion,
            Artifact canary, Integer percent, Integer shadowVersion, Artifact shadow) {
        StringBuilder json = new StringBuilder("{\"revision\":" + revision + ",\"deployments\":[{\"name\":\"" + deployment
                + "\",\"model\":\"" + deployment + "-model\",\"primary\":" + spec(version, primary, null));
        json.append(",\"canary\":").append(canary == null ? "null" : spec(canaryVersion, canary, percent));
        json.append(",\"shadow\":").append(shadow == null ? "null" : spec(shadowVersion, shadow, null));
        return json.append("}]}").toString();
    }

    /** One desired state holding the deployments of several {@link #state} documents. */
    public static String merge(long revision, String... states) {
        StringBuilder json = new StringBuilder("{\"revision\":" + revision + ",\"deployments\":[");
        for (int i = 0; i < states.length; i++) {
            String state = states[i];
            String deployments = state.substring(state.indexOf('[') + 1, state.lastIndexOf(']'));
            json.append(i == 0 ? "" : ",").append(deployments);
        }
        return json.append("]}").toString();
    }

    private static String spec(int version, Artifact artifact, Integer percent) {
        return "{\"version\":" + version + ",\"sha256\":\"" + artifact.sha256() + "\",\"path\":\"" + artifact.path().toString()
                .replace("\\", "\\\\") + "\"" + (percent == null ? "" : ",\"percent\":" + percent) + "}";
    }
}
