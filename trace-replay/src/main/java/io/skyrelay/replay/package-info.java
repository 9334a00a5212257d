/**
 * Trace replay: reads object-store request traces, turns them into multi-region workloads and
 * replays them against replica placement and eviction policies with a cost and latency model built
 * from the region data. Parsing lives in {@code trace}, workload generation in {@code workload},
 * policies, cost model and the in-process simulator in {@code sim}, tables and charts in {@code
 * report}, and the Beam pipeline for traces too large for one machine in {@code beam}.
 */
package io.skyrelay.replay;
