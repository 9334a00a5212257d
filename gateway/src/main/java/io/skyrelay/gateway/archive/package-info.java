/**
 * The archive tier of virtual buckets: a bucket may name an archive store (where the sync job's
 * archive mode moves objects), whose objects stay readable through the gateway. This package reads
 * an archived object ({@link io.skyrelay.gateway.archive.ArchiveTier}), merges a bucket's hot
 * listing with the archive's in key order ({@link io.skyrelay.gateway.archive.MergedListing}),
 * brings an object read in full back into the hot tier ({@link
 * io.skyrelay.gateway.archive.ArchiveRestorer}), and records the keys deleted through the gateway
 * so that their archive copies never reappear ({@link io.skyrelay.gateway.archive.Tombstones}).
 */
package io.skyrelay.gateway.archive;
