package dev.lodestar.graphql;

import java.util.List;

import org.eclipse.microprofile.graphql.Description;

/** Relay page information of a connection. */
@Description("Where this page sits in the whole list.")
public record PageInfo(boolean hasNextPage, boolean hasPreviousPage, String startCursor, String endCursor) {

    /** The page information of a page whose items have these cursors, in order. */
    public static PageInfo of(List<String> cursors, boolean hasNextPage, boolean hasPreviousPage) {
        return new PageInfo(hasNextPage, hasPreviousPage, cursors.isEmpty() ? null : cursors.get(0),
                cursors.isEmpty() ? null : cursors.get(cursors.size() - 1));
    }
}
