/** Who is calling: roles and the authenticated actor of a request. */
package dev.lodestar.identity;
