/**
 * The S3 gateway over virtual buckets: {@link io.skyrelay.gateway.Gateway} assembles, from a
 * configuration, the namespace database, each region's physical store, the replicator and one S3
 * endpoint per region, all sharing one namespace.
 */
package io.skyrelay.gateway;
