/**
 * {@code skyrelay gateway}: starts the S3 gateway over virtual buckets from a configuration file,
 * or as a self-contained demo over local folders; imports existing buckets; and runs the sync job
 * that makes the gateway's replicas when its replication goes through Kafka.
 */
package io.skyrelay.pipelines.gateway;
