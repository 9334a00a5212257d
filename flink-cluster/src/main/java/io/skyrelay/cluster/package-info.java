/**
 * Runs a real Flink standalone session cluster (a JobManager and TaskManagers, each its own
 * process, bound to 127.0.0.1) and a KRaft Kafka broker on this machine from the jars the build
 * copies to {@code flink-cluster/target/lib}: configuration, pid files, start, stop, status and the
 * few REST calls that operating a job needs (overview, jobs, stop with a savepoint).
 */
package io.skyrelay.cluster;
