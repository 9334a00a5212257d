package io.skyrelay.gateway.namespace;

import java.time.Instant;

/**
 * A virtual bucket.
 *
 * @param name the bucket name clients use
 * @param createdAt when it was created
 * @param policy the placement policy spec of its objects
 * @param physicalPrefix the prefix of its copies in every region's store
 */
public record VirtualBucket(String name, Instant createdAt, String policy, String physicalPrefix) {}
