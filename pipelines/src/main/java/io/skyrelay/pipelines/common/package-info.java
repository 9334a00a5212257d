/**
 * What the commands of the {@code skyrelay} command line share, below every command: exit statuses,
 * runner options, the stores file and its YAML line helpers, byte sizes and option values with a
 * fixed set of names (picocli converters that list what is accepted), progress bars (local and on a
 * Flink cluster), the job jars shipped to a cluster, and generated object content. Nothing here
 * imports a command.
 */
package io.skyrelay.pipelines.common;
