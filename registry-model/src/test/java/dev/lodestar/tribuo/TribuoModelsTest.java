package dev.lodestar.tribuo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.util.Random;

import org.junit.jupiter.api.Test;
import org.tribuo.protos.core.ModelProto;

import com.google.protobuf.Any;
import com.google.protobuf.ByteString;

/** Reading and describing Tribuo models, on golden files written by {@link SmallModels}. */
class TribuoModelsTest {

    @Test
    void aClassifierIsDescribedWithItsFeaturesClassesAndProvenance() throws Exception {
        var description = TribuoModels.describe(TribuoModels.read(golden("churn-logistic.tribuo")));

        assertThat(description.modelClass()).isEqualTo("org.tribuo.classification.sgd.linear.LinearSGDModel");
        assertThat(description.signature()).extracting(TribuoModels.Feature::name)
                .containsExactly("monthly_charges", "support_calls", "tenure_months");
        assertThat(description.signature()).extracting(TribuoModels.Feature::type).containsOnly("NUMBER");
        assertThat(description.signature()).extracting(TribuoModels.Feature::categories).containsOnly(java.util.List.of());
        assertThat(description.output().kind()).isEqualTo("LABEL");
        assertThat(description.output().classes()).containsExactly("churn", "stay");
        assertThat(description.provenanceJson()).contains("LogisticRegressionTrainer").contains("churn-sample");
    }

    @Test
    void aRegressorIsDescribedWithItsOutputDimension() throws Exception {
        var description = TribuoModels.describe(TribuoModels.read(golden("spend-linear.tribuo")));

        assertThat(description.output().kind()).isEqualTo("REGRESSION");
        assertThat(description.output().classes()).containsExactly("spend");
        assertThat(description.provenanceJson()).contains("LinearSGDTrainer");
    }

    @Test
    void otherFilesAreNotTribuoModels() {
        byte[] random = new byte[4096];
        new Random(3).nextBytes(random);

        assertThatThrownBy(() -> TribuoModels.read(new ByteArrayInputStream(random))).isInstanceOf(TribuoModels.NotTribuo.class);
        assertThatThrownBy(() -> TribuoModels.read(new ByteArrayInputStream("name,age\nada,36\n".getBytes())))
                .isInstanceOf(TribuoModels.NotTribuo.class);
    }

    @Test
    void aModelNamingAClassOutsideTribuoIsNeverInstantiated() throws Exception {
        ModelProto forged = ModelProto.newBuilder(ModelProto.parseFrom(golden("churn-logistic.tribuo")))
                .setClassName("java.lang.ProcessBuilder").build();

        assertThatThrownBy(() -> TribuoModels.read(new ByteArrayInputStream(forged.toByteArray())))
                .isInstanceOf(TribuoModels.NotTribuo.class).hasMessageContaining("not a Tribuo class");
    }

    @Test
    void aDamagedTribuoModelIsUnreadable() throws Exception {
        ModelProto genuine = ModelProto.parseFrom(golden("churn-logistic.tribuo"));
        ModelProto damaged = ModelProto.newBuilder(genuine)
                .setSerializedData(Any.newBuilder(genuine.getSerializedData()).setValue(ByteString.copyFromUtf8("damaged")))
                .build();

        assertThatThrownBy(() -> TribuoModels.read(new ByteArrayInputStream(damaged.toByteArray())))
                .isInstanceOf(TribuoModels.Unreadable.class).hasMessageContaining("LinearSGDModel");
    }

    private static InputStream golden(String name) {
        return TribuoModelsTest.class.getResourceAsStream("/models/" + name);
    }
}
