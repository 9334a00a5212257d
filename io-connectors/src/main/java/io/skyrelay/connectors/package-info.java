/**
 * The {@link io.skyrelay.connectors.ObjectStore} interface that every store connector implements: a
 * small required set of operations (paged listing, head, ranged streaming reads, conditional reads
 * and creates, put with metadata, delete and batch delete), two optional facets a store returns
 * when it has them ({@link io.skyrelay.connectors.MultipartUploads} with its {@link
 * io.skyrelay.connectors.PartLimits}, {@link io.skyrelay.connectors.ServerSideCopy}), and {@link
 * io.skyrelay.connectors.Capability#of}, which reads what a store can do off those facets instead
 * of a declaration. Also here: typed errors whose messages say what to fix, the {@link
 * io.skyrelay.connectors.Retrier}, store settings declared per connector ({@link
 * io.skyrelay.connectors.StoreSetting}) and their redaction, {@link
 * io.skyrelay.connectors.HashingInputStream} (one MD5 shared by a copier and a store), {@link
 * io.skyrelay.connectors.ForwardingObjectStore} (the base of store decorators) with {@link
 * io.skyrelay.connectors.ThrottledObjectStore} (a decorator that paces a store's streams), and
 * {@link io.skyrelay.connectors.ObjectStores}, which opens the right connector for a {@code
 * scheme://} URI.
 */
package io.skyrelay.connectors;
