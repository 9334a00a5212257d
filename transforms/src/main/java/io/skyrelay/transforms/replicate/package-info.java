/**
 * Batch replication as composite transforms: {@link io.skyrelay.transforms.replicate.ListLocation}
 * lists a location in parallel over prefix shards, {@link
 * io.skyrelay.transforms.replicate.DiffListings} compares the source with every destination, {@link
 * io.skyrelay.transforms.replicate.CopyObjects} copies (server-side, streamed, or chunked into
 * multi-part uploads) and verifies, {@link io.skyrelay.transforms.replicate.DeleteObjects} removes
 * what the source no longer has within the job's limit, and {@link
 * io.skyrelay.transforms.replicate.Replicate} wires them into one job. {@link
 * io.skyrelay.transforms.replicate.RouteSetup} turns a job's routing options into its {@link
 * io.skyrelay.transforms.replicate.Routing} (direct or through relay regions); for experiments on
 * one machine, {@link io.skyrelay.transforms.replicate.EmulatedLinks} has the workers read stores
 * slowed to the links between region labels.
 */
package io.skyrelay.transforms.replicate;
