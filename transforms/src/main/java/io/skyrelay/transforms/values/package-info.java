/**
 * Plain values that travel between pipeline steps, each with an Avro schema (Avro reflect coders):
 * manifest entries, copy and delete tasks, chunk tasks and per-object results; for the sync, change
 * events, the notification messages they are parsed from, and dead letters. {@code KeyFilter} (with
 * {@code RcloneGlob}) says which keys and object sizes a job or mapping takes.
 */
package io.skyrelay.transforms.values;
