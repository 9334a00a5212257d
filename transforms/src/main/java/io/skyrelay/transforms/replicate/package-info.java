/**
 * Batch replication as composite transforms: {@link io.skyrelay.transforms.replicate.Replicate} is
 * the whole job; {@link io.skyrelay.transforms.replicate.ShardDiff} lists the source and every
 * destination per prefix shard and compares them ({@link
 * io.skyrelay.transforms.replicate.DiffListings} for listings and manifests, by {@link
 * io.skyrelay.transforms.replicate.DiffMode}); {@link io.skyrelay.transforms.replicate.CopyObjects}
 * copies (server-side, streamed, or chunked into multi-part uploads) through {@link
 * io.skyrelay.transforms.replicate.ObjectCopier}, which verifies what it wrote, or {@link
 * io.skyrelay.transforms.replicate.RelayCopier} through relay regions; {@link
 * io.skyrelay.transforms.replicate.DeleteObjects} removes what the source no longer has within the
 * job's limit. {@link io.skyrelay.transforms.replicate.Routing} and {@link
 * io.skyrelay.transforms.replicate.RouteSetup} say which bytes take which path; {@link
 * io.skyrelay.transforms.replicate.StoreViews} and {@link
 * io.skyrelay.transforms.replicate.EmulatedLinks} hand out throttled views of stores for the
 * overlay experiment.
 */
package io.skyrelay.transforms.replicate;
