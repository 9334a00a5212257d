package io.skyrelay.pipelines.common;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.jar.JarFile;
import java.util.jar.Manifest;

/**
 * The jars a job submitted to a Flink cluster takes with it: this program's classpath without
 * Flink's own jars, which every Flink cluster has (and loads parent-first anyway), and without a
 * few large jars no job step uses.
 */
public final class JobJars {

  private JobJars() {}

  /** The files to stage for a job submitted from this JVM. */
  public static List<String> forCluster() {
    return forCluster(System.getProperty("java.class.path"));
  }

  static List<String> forCluster(String classPath) {
    List<String> entries = new ArrayList<>();
    for (String e : classPath.split(File.pathSeparator)) {
      if (!e.isBlank()) {
        entries.addAll(expand(Path.of(e)));
      }
    }
    List<String> files = new ArrayList<>();
    for (String e : entries) {
      String name = Path.of(e).getFileName().toString();
      if (notShipped(name)) {
        continue;
      }
      if (Files.exists(Path.of(e)) && !files.contains(e)) {
        files.add(e);
      }
    }
    return files;
  }

  /**
   * Jars a job on a cluster does not need: Flink's own (every cluster has them), RocksDB's native
   * library (the cluster's state backend is configured there), the DirectRunner, and test jars.
   * Every jar costs upload time at each submission.
   */
  static boolean notShipped(String fileName) {
    return fileName.endsWith(".jar")
        && (fileName.startsWith("flink-")
            || fileName.startsWith("rocksdbjni-")
            || fileName.startsWith("beam-runners-direct-java-")
            || fileName.endsWith("-test.jar")
            || fileName.endsWith("-tests.jar"));
  }

  /**
   * A jar whose manifest names the real classpath (how test runners and launchers shorten long
   * command lines) stands for the jars it names.
   */
  private static List<String> expand(Path entry) {
    if (!entry.toString().endsWith(".jar") || !Files.isRegularFile(entry)) {
      return List.of(entry.toString());
    }
    try (JarFile jar = new JarFile(entry.toFile())) {
      Manifest m = jar.getManifest();
      String cp = m == null ? null : m.getMainAttributes().getValue("Class-Path");
      if (cp == null || cp.isBlank() || jar.size() > 4) {
        return List.of(entry.toString());
      }
      List<String> out = new ArrayList<>();
      for (String ref : cp.trim().split("\\s+")) {
        URI uri = entry.toUri().resolve(ref);
        out.add(Path.of(uri).toString());
      }
      return out;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + entry, e);
    }
  }
}
