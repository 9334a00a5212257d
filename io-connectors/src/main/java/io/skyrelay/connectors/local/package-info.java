/**
 * The local-disk connector ({@code file:///path}): one directory is one container, keys map to
 * files beneath it, writes are atomic (a temporary file renamed into place), and content type, user
 * metadata and the content's MD5 are kept in the file's extended attribute {@code user.skyrelay}
 * (or, where the file system has none, in a mirror tree under {@code .skyrelay/meta}).
 */
package io.skyrelay.connectors.local;
