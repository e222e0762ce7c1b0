package dev.lodestar.inference.serving;

import java.util.List;
import java.util.Map;

import org.tribuo.Model;

import dev.lodestar.inference.scoring.CompiledModel;
import dev.lodestar.inference.scoring.InvalidFeatureException;
import dev.lodestar.inference.scoring.RowReader;
import dev.lodestar.inference.scoring.Score;
import dev.lodestar.inference.v1.FeatureValue;
import dev.lodestar.tribuo.InputSchema;

/** A {@link CompiledModel} as the serving layer uses it. */
public final class CompiledServable implements ServableModel {

    private final CompiledModel compiled;
    private final RowReader reader;
    private final List<Column> columns;
    private final List<String> classes;

    public CompiledServable(CompiledModel compiled) {
        this.compiled = compiled;
        this.reader = compiled.rowReader();
        this.columns = compiled.schema().columns().stream()
                .map(c -> new Column(c.name(), c.type() == InputSchema.ColumnType.TEXT)).toList();
        this.classes = compiled.outputKind() == CompiledModel.OutputKind.LABEL ? List.copyOf(compiled.classNames()) : List.of();
    }

    /** The compiler the server uses: {@link CompiledModel#compile(Model)}. */
    public static ServableModel compile(Model<?> model) {
        return new CompiledServable(CompiledModel.compile(model));
    }

    @Override
    public List<Column> columns() {
        return columns;
    }

    @Override
    public List<String> classes() {
        return classes;
    }

    @Override
    public Object[] row(Map<String, FeatureValue> features) {
        try {
            return reader.read(features);
        } catch (InvalidFeatureException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
    }

    @Override
    public Answer score(Object[] row) {
        Score score = compiled.score(row);
        if (score instanceof Score.Classification classification) {
            return new Answer(classification.label(), classification.scores(), Double.NaN);
        }
        return new Answer(null, null, ((Score.Regression) score).value());
    }

    @Override
    public void warmUp(int rows) {
        compiled.warmUp(rows);
    }

    /** Releases the compiled model's native resources ({@link CompiledModel#close}); a drained version is closed here. */
    @Override
    public void close() {
        compiled.close();
    }

    /** The compiled model underneath. */
    public CompiledModel compiled() {
        return compiled;
    }
}
