/**
 * The catalogue: datasets (store locations with owners and tags), their search, and the Beam
 * profiling job that fills in counts, sizes, content types and, for CSV datasets, the schema,
 * sample rows and per-column statistics.
 */
package io.skyrelay.service.catalogue;
