package dev.lodestar.lineage;

import org.eclipse.microprofile.graphql.Description;

/** Which way a lineage traversal follows edges from its start node. */
@Description("Which way to follow edges: UPSTREAM to what a node came from, DOWNSTREAM to what came of it, BOTH.")
public enum LineageDirection {
    /** Against the edges: the sources a node was made from. */
    UPSTREAM,
    /** Along the edges: what was made from a node. */
    DOWNSTREAM,
    /** Both ways from the start node (not a walk back and forth: each direction is followed from the start). */
    BOTH
}
