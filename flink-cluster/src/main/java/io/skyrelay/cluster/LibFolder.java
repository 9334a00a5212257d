package io.skyrelay.cluster;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Finds the folder of jars the cluster processes run from: {@code flink-cluster/target/lib}, made
 * by the build ({@code mvn -pl flink-cluster package}).
 */
public final class LibFolder {

  /** System property that names the folder explicitly. */
  public static final String PROPERTY = "skyrelay.cluster.lib";

  /** Environment variable that names the folder explicitly. */
  public static final String ENV = "SKYRELAY_CLUSTER_LIB";

  /** The command that builds the folder, for messages. */
  public static final String BUILD_COMMAND = "mvn -B -ntp -pl flink-cluster package -DskipTests";

  private LibFolder() {}

  /**
   * The lib folder: the system property, else the environment variable, else {@code
   * flink-cluster/target/lib} in the working directory or one of its parents.
   *
   * @throws ClusterException when none holds Flink's runtime jar, saying how to build it
   */
  public static Path locate() {
    String explicit = System.getProperty(PROPERTY, System.getenv(ENV));
    if (explicit != null && !explicit.isBlank()) {
      return check(Path.of(explicit));
    }
    Path dir = Path.of("").toAbsolutePath();
    for (Path d = dir; d != null; d = d.getParent()) {
      for (Path candidate :
          new Path[] {d.resolve("flink-cluster/target/lib"), d.resolve("target/lib")}) {
        if (hasFlink(candidate)) {
          return candidate;
        }
      }
    }
    throw new ClusterException(
        "no Flink lib folder found (looked for flink-cluster/target/lib from "
            + dir
            + " upwards); build it with: "
            + BUILD_COMMAND
            + " (or set "
            + ENV
            + ")");
  }

  /**
   * The Kafka broker's jars: {@code kafka-lib} beside the Flink lib folder (kept apart so that
   * Flink's processes do not see Kafka's unshaded Jackson and Scala).
   */
  public static Path kafkaBesides(Path flinkLib) {
    Path dir = flinkLib.toAbsolutePath().resolveSibling("kafka-lib");
    try (var files = Files.list(dir)) {
      if (files.anyMatch(f -> f.getFileName().toString().startsWith("kafka_2.13-"))) {
        return dir;
      }
    } catch (java.io.IOException e) {
      // reported below
    }
    throw new ClusterException(
        "the Kafka broker's jars are not in " + dir + "; build them with: " + BUILD_COMMAND);
  }

  /** Checks that {@code dir} holds the Flink runtime, else says how to build it. */
  public static Path check(Path dir) {
    if (!hasFlink(dir)) {
      throw new ClusterException(
          "the Flink lib folder "
              + dir
              + " does not exist or has no flink-runtime jar; build it with: "
              + BUILD_COMMAND);
    }
    return dir.toAbsolutePath();
  }

  private static boolean hasFlink(Path dir) {
    if (!Files.isDirectory(dir)) {
      return false;
    }
    try (var files = Files.list(dir)) {
      return files.anyMatch(f -> f.getFileName().toString().startsWith("flink-runtime-1."));
    } catch (java.io.IOException e) {
      return false;
    }
  }
}
