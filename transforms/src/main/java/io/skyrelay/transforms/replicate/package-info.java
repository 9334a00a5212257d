/**
 * Batch replication as composite transforms: {@link io.skyrelay.transforms.replicate.ListLocation}
 * lists a location in parallel over prefix shards, {@link
 * io.skyrelay.transforms.replicate.DiffListings} compares the source with every destination, {@link
 * io.skyrelay.transforms.replicate.CopyObjects} copies (server-side, streamed, or chunked into
 * multi-part uploads) and verifies, {@link io.skyrelay.transforms.replicate.DeleteObjects} removes
 * what the source no longer has within the job's limit, and {@link
 * io.skyrelay.transforms.replicate.Replicate} wires them into one job.
 */
package io.skyrelay.transforms.replicate;
