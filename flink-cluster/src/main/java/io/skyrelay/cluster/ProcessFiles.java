package io.skyrelay.cluster;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Starts Java processes that outlive the command that started them, and tracks them by pid files. A
 * pid file counts only while its process is alive and still runs the expected main class, so a
 * reused pid is never mistaken for a cluster process.
 */
final class ProcessFiles {

  private ProcessFiles() {}

  /** The live process a pid file names, if it still runs {@code mainClass}. */
  static Optional<ProcessHandle> alive(Path pidFile, String mainClass) {
    if (!Files.isRegularFile(pidFile)) {
      return Optional.empty();
    }
    long pid;
    try {
      pid = Long.parseLong(Files.readString(pidFile, StandardCharsets.US_ASCII).trim());
    } catch (IOException | NumberFormatException e) {
      return Optional.empty();
    }
    return ProcessHandle.of(pid)
        .filter(ProcessHandle::isAlive)
        .filter(
            h ->
                h.info().commandLine().map(c -> c.contains(mainClass)).orElse(true)
                    || h.info().arguments().map(a -> List.of(a).contains(mainClass)).orElse(false));
  }

  /**
   * Starts {@code java -cp LIB/* JVM_ARGS MAIN ARGS} in {@code workDir}, its output appended to
   * {@code LOG.out}, and writes its pid file.
   */
  static ProcessHandle start(
      Path libDir,
      List<String> jvmArgs,
      String mainClass,
      List<String> args,
      Path workDir,
      Path outFile,
      Path pidFile) {
    List<String> cmd = new ArrayList<>();
    cmd.add(javaBinary());
    cmd.addAll(jvmArgs);
    cmd.add("-cp");
    cmd.add(libDir.resolve("*").toString());
    cmd.add(mainClass);
    cmd.addAll(args);
    try {
      Files.createDirectories(outFile.getParent());
      Files.createDirectories(pidFile.getParent());
      Process p =
          new ProcessBuilder(cmd)
              .directory(workDir.toFile())
              .redirectErrorStream(true)
              .redirectOutput(ProcessBuilder.Redirect.appendTo(outFile.toFile()))
              .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
              .start();
      Files.writeString(pidFile, Long.toString(p.pid()) + "\n", StandardCharsets.US_ASCII);
      return p.toHandle();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start " + mainClass, e);
    }
  }

  /**
   * Stops a process: SIGTERM, then SIGKILL after {@code grace}; removes its pid file.
   *
   * @return whether the process had to be killed
   */
  static boolean stop(ProcessHandle h, Duration grace, Path pidFile) {
    boolean killed = false;
    if (h.isAlive()) {
      h.destroy();
      try {
        h.onExit().get(grace.toMillis(), TimeUnit.MILLISECONDS);
      } catch (Exception e) {
        h.destroyForcibly();
        killed = true;
        try {
          h.onExit().get(10, TimeUnit.SECONDS);
        } catch (Exception ignored) {
          // reported by the caller's status check
        }
      }
    }
    try {
      Files.deleteIfExists(pidFile);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return killed;
  }

  /**
   * Runs a short Java tool from the lib folder and returns its output; fails on a non-zero exit.
   */
  static String run(Path libDir, List<String> jvmArgs, String mainClass, List<String> args) {
    List<String> cmd = new ArrayList<>();
    cmd.add(javaBinary());
    cmd.addAll(jvmArgs);
    cmd.add("-cp");
    cmd.add(libDir.resolve("*").toString());
    cmd.add(mainClass);
    cmd.addAll(args);
    try {
      Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
      byte[] out = p.getInputStream().readAllBytes();
      if (!p.waitFor(120, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new ClusterException(mainClass + " did not finish within 120 s");
      }
      String text = new String(out, StandardCharsets.UTF_8);
      if (p.exitValue() != 0) {
        throw new ClusterException(mainClass + " " + args + " failed:\n" + text);
      }
      return text;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot run " + mainClass, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ClusterException("interrupted while running " + mainClass, e);
    }
  }

  /** Deletes a folder and everything in it, if it exists. */
  static void deleteTree(Path dir) {
    if (!Files.exists(dir)) {
      return;
    }
    try (java.util.stream.Stream<Path> paths = Files.walk(dir)) {
      for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    } catch (IOException e) {
      throw new ClusterException("cannot delete " + dir + ": " + e.getMessage(), e);
    }
  }

  static String javaBinary() {
    return Path.of(System.getProperty("java.home"), "bin", "java").toString();
  }

  /** The last {@code lines} lines of a file, for error messages. */
  static String tail(Path file, int lines) {
    try {
      List<String> all = Files.readAllLines(file, StandardCharsets.UTF_8);
      return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
    } catch (IOException | UncheckedIOException e) {
      return "(no " + file + ")";
    }
  }
}
