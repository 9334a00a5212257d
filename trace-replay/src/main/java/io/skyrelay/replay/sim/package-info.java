/**
 * The replay itself: the cost and latency model, the placement and eviction policies, the
 * in-process simulator that runs them over a workload in one pass, and the offline optimum that
 * bounds them all from below.
 */
package io.skyrelay.replay.sim;
