/**
 * Streaming sync: change notifications of every supported store parsed into one {@link
 * io.skyrelay.transforms.values.ChangeEvent}, ordered per object by the store's own token, and
 * applied to replicas idempotently; {@link io.skyrelay.transforms.sync.SyncChanges} is all of it as
 * one transform.
 */
package io.skyrelay.transforms.sync;
