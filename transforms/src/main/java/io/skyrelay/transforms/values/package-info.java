/**
 * Plain values that travel between pipeline steps, each with an Avro schema (Avro reflect coders):
 * manifest entries, copy and delete tasks, chunk tasks and per-object results.
 */
package io.skyrelay.transforms.values;
