package io.skyrelay.gateway.namespace;

import java.time.Instant;

/**
 * One copy of an object version in one region's store.
 *
 * @param versionId the version it is a copy of
 * @param region the region label
 * @param physicalKey the key in the region's store
 * @param status its state
 * @param base whether this is the copy written by the client (never evicted)
 * @param storedAt when it became ready, or {@code null}
 * @param expiresAt when a policy may evict it, or {@code null} for never
 */
public record PhysicalCopy(
    String versionId,
    String region,
    String physicalKey,
    CopyStatus status,
    boolean base,
    Instant storedAt,
    Instant expiresAt) {}
