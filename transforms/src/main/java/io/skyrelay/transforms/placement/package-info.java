/**
 * Replica placement and eviction policies, and the cost model they are priced with: one
 * implementation that the replay simulator runs over traces and the S3 gateway runs live. {@link
 * io.skyrelay.transforms.placement.Policy} parses the policy specs and makes each decision (the
 * region of a write's home copy, the regions pushed to, whether a read elsewhere keeps a copy, how
 * long it keeps it and how a hit extends that, the LRU capacity rule); {@link
 * io.skyrelay.transforms.placement.CostModel} prices storage, egress and requests from the region
 * data and picks the copy a read is served from; {@link
 * io.skyrelay.transforms.placement.AdaptiveTtl} learns TTLs per region pair from the gaps between
 * reads.
 */
package io.skyrelay.transforms.placement;
