/**
 * Streaming sync: change notifications of every supported store parsed into one {@link
 * io.skyrelay.transforms.values.ChangeEvent}, ordered per object by the store's own token, and
 * applied to replicas idempotently.
 */
package io.skyrelay.transforms.sync;
