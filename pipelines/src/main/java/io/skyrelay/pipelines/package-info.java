/**
 * Skyrelay's jobs and its command line: {@code skyrelay replicate} (batch replication), {@code
 * skyrelay demo} (the replication job on in-process stores), with the options every job shares
 * (runner, Flink master, parallelism, the stores file).
 */
package io.skyrelay.pipelines;
