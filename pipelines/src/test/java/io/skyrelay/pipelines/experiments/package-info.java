/**
 * Experiment programs over the planner and the replication job, kept out of the command line's
 * classes and run with {@code bench/java.sh}: {@code GridEvaluation} plans every pair of the region
 * grid and summarises where an overlay beats the direct path; {@code OverlayExperiment} measures
 * relay routes against the direct path on one machine, with the links between region labels
 * emulated ({@code skyrelay replicate --emulate-links}).
 */
package io.skyrelay.pipelines.experiments;
