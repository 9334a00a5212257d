/**
 * {@code skyrelay demo}: the replication job end to end on one machine with nothing installed,
 * between two in-process S3-compatible endpoints labelled as two regions.
 */
package io.skyrelay.pipelines.demo;
