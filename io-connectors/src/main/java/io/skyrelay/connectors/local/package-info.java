/**
 * The local-disk connector ({@code file:///path}): one directory is one container, keys map to
 * files beneath it, writes are atomic (a temporary file renamed into place). {@link
 * io.skyrelay.connectors.local.LocalObjectStore} is the store; {@link
 * io.skyrelay.connectors.local.LocalMetadata} keeps content type, user metadata and the content's
 * MD5 in the file's extended attribute {@code user.skyrelay} (or, where the file system has none,
 * in a mirror tree under {@code .skyrelay/meta}); {@link
 * io.skyrelay.connectors.local.LocalStagedUploads} assembles multi-part uploads in a staging
 * folder; {@link io.skyrelay.connectors.local.LocalCopies} copies files inside the store.
 */
package io.skyrelay.connectors.local;
