/**
 * The S3 front end: one embedded S3Proxy listener per region (S3 protocol, SigV4 authentication
 * with the configured keys), each over a store of our own that serves the virtual buckets of the
 * namespace from the regions' physical stores, streaming.
 */
package io.skyrelay.gateway.s3;
