/**
 * The {@code skyrelay replay} command: replays object-store traces against placement and eviction
 * policies (in process or as a Beam pipeline) and writes multi-region workloads.
 */
package io.skyrelay.pipelines.replay;
