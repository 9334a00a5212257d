/**
 * Composite Beam transforms and the plain-Java logic behind Skyrelay's jobs: listing, diffing,
 * chunked copying, verification and reporting for batch replication, and the region data used for
 * cost estimates.
 */
package io.skyrelay.transforms;
