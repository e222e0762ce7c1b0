/** What every GraphQL API shares: error codes, paging, and the engine's configuration. */
package dev.lodestar.graphql;
