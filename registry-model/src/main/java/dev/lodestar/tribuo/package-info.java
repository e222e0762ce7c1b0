/** Tribuo models as Lodestar reads them: from protobuf only, Tribuo classes only, described for the registry. */
package dev.lodestar.tribuo;
