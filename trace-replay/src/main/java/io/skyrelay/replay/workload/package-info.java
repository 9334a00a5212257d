/**
 * Multi-region workloads from single-region traces: assigns every request an issuing region by a
 * seeded, stateless rule (workload types A to E), and writes and reads the workload CSV.
 */
package io.skyrelay.replay.workload;
