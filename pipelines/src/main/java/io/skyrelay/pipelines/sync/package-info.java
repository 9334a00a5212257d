/**
 * The streaming sync job: {@code skyrelay sync --config FILE} reads bucket-change events from Kafka
 * and keeps replicas in sync; its mappings file, the job, reconciliation and the load generator.
 */
package io.skyrelay.pipelines.sync;
