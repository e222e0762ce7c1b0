package dev.lodestar.graphql;

import org.eclipse.microprofile.graphql.Description;

/** Relay page information of a connection. */
@Description("Where this page sits in the whole list.")
public record PageInfo(boolean hasNextPage, boolean hasPreviousPage, String startCursor, String endCursor) {
}
