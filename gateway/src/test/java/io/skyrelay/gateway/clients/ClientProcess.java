package io.skyrelay.gateway.clients;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs one client command as a process of its own: an environment holding only what the client
 * needs (no {@code ~/.aws}, no {@code ~/.config/rclone}: {@code HOME} is a temporary folder), its
 * output captured, and a timeout after which it is killed. A client that is not installed fails the
 * test with the command that installs it.
 */
final class ClientProcess {

  /** What a finished process printed, and its exit status. */
  record Result(List<String> command, int exitCode, String stdout, String stderr) {

    /** Fails, showing the command and everything it printed, unless it exited with 0. */
    Result ok() {
      if (exitCode != 0) {
        fail(describe("exited with " + exitCode));
      }
      return this;
    }

    String describe(String what) {
      return String.join(" ", command)
          + " "
          + what
          + "\n--- stdout ---\n"
          + stdout
          + "\n--- stderr ---\n"
          + stderr;
    }
  }

  private final Path home;
  private final Map<String, String> env = new LinkedHashMap<>();
  private Duration timeout = Duration.ofSeconds(60);

  /**
   * @param home the process's {@code HOME} and working folder (created if missing)
   */
  ClientProcess(Path home) {
    this.home = home;
    try {
      Files.createDirectories(home);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
    env.put("PATH", "/usr/bin:/bin");
    env.put("HOME", home.toString());
    env.put("LANG", "C.UTF-8");
  }

  ClientProcess env(String name, String value) {
    env.put(name, value);
    return this;
  }

  ClientProcess timeout(Duration timeout) {
    this.timeout = timeout;
    return this;
  }

  Path home() {
    return home;
  }

  /** Fails the test, saying how to install it, unless {@code executable} is there. */
  static void require(String executable, String what) {
    if (!Files.isExecutable(Path.of(executable))) {
      fail(
          what
              + " is not installed ("
              + executable
              + " is missing): run `bash .ci/packages` (as root or with sudo) to install the"
              + " Debian packages the gateway's client tests use");
    }
  }

  Result run(String... command) {
    return run(Arrays.asList(command));
  }

  Result run(List<String> command) {
    ProcessBuilder pb = new ProcessBuilder(command).directory(home.toFile());
    pb.environment().clear();
    pb.environment().putAll(env);
    Path out = home.resolve("stdout.txt");
    Path err = home.resolve("stderr.txt");
    pb.redirectOutput(out.toFile()).redirectError(err.toFile());
    pb.redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()));
    try {
      Process p = pb.start();
      boolean done = p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
      if (!done) {
        p.descendants().forEach(ProcessHandle::destroyForcibly);
        p.destroyForcibly();
        p.waitFor(10, TimeUnit.SECONDS);
      }
      Result r =
          new Result(
              new ArrayList<>(command),
              done ? p.exitValue() : -1,
              Files.readString(out, StandardCharsets.UTF_8),
              Files.readString(err, StandardCharsets.UTF_8));
      if (!done) {
        fail(r.describe("did not finish within " + timeout.toSeconds() + " s and was killed"));
      }
      return r;
    } catch (IOException e) {
      throw new IllegalStateException("cannot run " + command + ": " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted running " + command, e);
    }
  }
}
