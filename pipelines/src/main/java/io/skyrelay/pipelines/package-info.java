/**
 * The top of the {@code skyrelay} command line: {@link io.skyrelay.pipelines.SkyrelayCli}, which
 * gathers every command package's subcommands, and {@link io.skyrelay.pipelines.ClusterEntryPoint},
 * the same command line as the main class of a job jar that Flink runs itself. Nothing below
 * imports this package; what the commands share is in {@code io.skyrelay.pipelines.common}.
 */
package io.skyrelay.pipelines;
