/**
 * Composite Beam transforms and the plain-Java logic behind Skyrelay's jobs: batch replication
 * ({@code replicate}), the streaming sync ({@code sync}, its notification parsers in {@code
 * sync.parse}), route planning and pricing ({@code planner}), the region data ({@code regions}) and
 * the values that travel between steps ({@code values}). Nothing here parses a command line.
 */
package io.skyrelay.transforms;
