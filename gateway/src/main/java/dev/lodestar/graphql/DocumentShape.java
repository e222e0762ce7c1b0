package dev.lodestar.graphql;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

import graphql.language.Document;
import graphql.language.Field;
import graphql.language.FragmentDefinition;
import graphql.language.FragmentSpread;
import graphql.language.InlineFragment;
import graphql.language.OperationDefinition;
import graphql.language.Selection;
import graphql.language.SelectionSet;

/**
 * Measures a parsed document against {@link GraphQLLimits} before anything runs: how many operations it
 * defines, and for its operations together how deep they nest, how many fields they select and how many of
 * those are aliased. A fragment counts wherever it is spread, so a few lines spreading fragments into each other
 * cannot hide a large selection; counting stops at the first limit passed.
 */
final class DocumentShape {

    private final GraphQLLimits limits;
    private final Map<String, FragmentDefinition> fragments = new HashMap<>();
    private final Deque<String> spreading = new ArrayDeque<>();
    private int fields;
    private int aliases;
    private String refusal;

    private DocumentShape(GraphQLLimits limits) {
        this.limits = limits;
    }

    /** Why the document is over a limit, naming the setting; empty when it is within all of them. */
    static Optional<String> refusal(Document document, GraphQLLimits limits) {
        DocumentShape shape = new DocumentShape(limits);
        shape.measure(document);
        return Optional.ofNullable(shape.refusal);
    }

    private void measure(Document document) {
        int operations = 0;
        for (var definition : document.getDefinitions()) {
            if (definition instanceof OperationDefinition) {
                operations++;
            } else if (definition instanceof FragmentDefinition fragment) {
                fragments.put(fragment.getName(), fragment);
            }
        }
        if (operations > limits.maxOperations()) {
            refusal = "the document defines " + operations + " operations; at most " + limits.maxOperations()
                    + " are allowed (lodestar.graphql.max-operations)";
            return;
        }
        for (var definition : document.getDefinitions()) {
            if (definition instanceof OperationDefinition operation) {
                visit(operation.getSelectionSet(), 1);
                if (refusal != null) {
                    return;
                }
            }
        }
    }

    private void visit(SelectionSet selections, int depth) {
        if (selections == null) {
            return;
        }
        for (Selection<?> selection : selections.getSelections()) {
            if (refusal != null) {
                return;
            }
            if (selection instanceof Field field) {
                field(field, depth);
            } else if (selection instanceof InlineFragment inline) {
                visit(inline.getSelectionSet(), depth);
            } else if (selection instanceof FragmentSpread spread) {
                FragmentDefinition fragment = fragments.get(spread.getName());
                // An unknown or self-spreading fragment is left for validation to refuse.
                if (fragment != null && !spreading.contains(spread.getName())) {
                    spreading.push(spread.getName());
                    visit(fragment.getSelectionSet(), depth);
                    spreading.pop();
                }
            }
        }
    }

    private void field(Field field, int depth) {
        if (depth > limits.maxDepth()) {
            refusal = "the document nests fields " + depth + " deep at '" + field.getName() + "'; at most "
                    + limits.maxDepth() + " levels are allowed (lodestar.graphql.max-depth)";
            return;
        }
        if (++fields > limits.maxFields()) {
            refusal = "the document selects more than " + limits.maxFields()
                    + " fields, counting each fragment where it is spread (lodestar.graphql.max-fields)";
            return;
        }
        if (field.getAlias() != null && ++aliases > limits.maxAliases()) {
            refusal = "the document uses more than " + limits.maxAliases() + " aliases (lodestar.graphql.max-aliases)";
            return;
        }
        visit(field.getSelectionSet(), depth + 1);
    }
}
