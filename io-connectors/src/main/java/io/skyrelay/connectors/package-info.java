/**
 * The {@link io.skyrelay.connectors.ObjectStore} interface that every store connector implements: a
 * small required set of operations (paged listing, head, ranged streaming reads, put with metadata,
 * delete), optional capabilities declared separately ({@link
 * io.skyrelay.connectors.MultipartUploads}, {@link io.skyrelay.connectors.ServerSideCopy}), typed
 * errors whose messages say what to fix, and {@link io.skyrelay.connectors.ObjectStores}, which
 * opens the right connector for a {@code scheme://} URI.
 */
package io.skyrelay.connectors;
