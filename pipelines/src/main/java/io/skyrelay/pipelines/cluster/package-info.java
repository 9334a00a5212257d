/**
 * {@code skyrelay cluster} and {@code skyrelay kafka}: a Flink session cluster and a Kafka broker
 * on this machine, and the savepoint operations a long-running sync job needs on any Flink cluster.
 */
package io.skyrelay.pipelines.cluster;
