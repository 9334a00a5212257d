package io.skyrelay.pipelines;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs the self-contained commands of the README and of docs/: every fenced block whose info string
 * is {@code sh doctest}. Each block runs in an empty folder under {@code bash -euo pipefail}, where
 * {@code ./skyrelay} (and {@code skyrelay} on the PATH) is the command line of this build, on this
 * test's class path, standing for the launcher (which would build the project first); a block fails
 * the test when it exits non-zero.
 */
class DocCommandsTest {

  static final String MARK = "```sh doctest";

  @TempDir Path tmp;

  /** One marked block: where it is and its commands. */
  record Block(String where, String commands) {}

  static Path root() {
    Path p = Path.of("").toAbsolutePath();
    while (p != null
        && !(Files.exists(p.resolve("README.md")) && Files.isDirectory(p.resolve("docs")))) {
      p = p.getParent();
    }
    if (p == null) {
      throw new IllegalStateException(
          "no README.md and docs/ above " + Path.of("").toAbsolutePath());
    }
    return p;
  }

  /** The marked blocks of a Markdown file. */
  static List<Block> blocks(Path file, String name) throws IOException {
    List<Block> blocks = new ArrayList<>();
    List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
    for (int i = 0; i < lines.size(); i++) {
      if (!lines.get(i).strip().equals(MARK)) {
        continue;
      }
      int start = i + 1;
      StringBuilder b = new StringBuilder();
      for (i = start; i < lines.size() && !lines.get(i).strip().startsWith("```"); i++) {
        b.append(lines.get(i)).append('\n');
      }
      blocks.add(new Block(name + ":" + start, b.toString()));
    }
    return blocks;
  }

  static List<Block> allBlocks() throws IOException {
    Path root = root();
    List<Block> all = new ArrayList<>(blocks(root.resolve("README.md"), "README.md"));
    try (Stream<Path> docs = Files.list(root.resolve("docs"))) {
      for (Path d : docs.filter(p -> p.toString().endsWith(".md")).sorted().toList()) {
        all.addAll(blocks(d, "docs/" + d.getFileName()));
      }
    }
    return all;
  }

  @Test
  void blocksAreFoundWhereTheDocsMarkThem() throws IOException {
    List<Block> all = allBlocks();
    assertTrue(all.stream().anyMatch(b -> b.where().startsWith("README.md:")), all.toString());
    assertTrue(all.stream().anyMatch(b -> b.where().startsWith("docs/")), all.toString());
    for (Block b : all) {
      assertFalse(b.commands().isBlank(), b.where());
    }
  }

  /** The command line of this build, as a script. */
  Path launcher(Path dir) throws IOException {
    String cp =
        System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Path script = dir.resolve("skyrelay");
    Files.writeString(
        script,
        "#!/usr/bin/env bash\nexec '"
            + java
            + "' -XX:TieredStopAtLevel=1 -cp '"
            + cp
            + "' io.skyrelay.pipelines.SkyrelayCli \"$@\"\n");
    Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));
    return script;
  }

  @TestFactory
  Stream<DynamicTest> everyMarkedBlockRunsAsWritten() throws IOException {
    Path bin = Files.createDirectories(tmp.resolve("bin"));
    Path skyrelay = launcher(bin);
    return allBlocks().stream()
        .map(
            block ->
                DynamicTest.dynamicTest(
                    block.where(),
                    () -> {
                      Path dir =
                          Files.createDirectories(
                              tmp.resolve(block.where().replaceAll("[^A-Za-z0-9]", "_")));
                      Files.copy(skyrelay, dir.resolve("skyrelay"));
                      ProcessBuilder pb =
                          new ProcessBuilder("bash", "-euo", "pipefail", "-c", block.commands())
                              .directory(dir.toFile())
                              .redirectErrorStream(true)
                              .redirectOutput(dir.resolve("output.txt").toFile());
                      pb.environment()
                          .put("PATH", bin + File.pathSeparator + pb.environment().get("PATH"));
                      Process p = pb.start();
                      boolean ended = p.waitFor(10, TimeUnit.MINUTES);
                      if (!ended) {
                        p.destroyForcibly();
                      }
                      String output = Files.readString(dir.resolve("output.txt"));
                      System.out.println("--- " + block.where() + "\n" + output);
                      assertTrue(ended, block.where() + " did not end in 10 minutes:\n" + output);
                      assertEquals(
                          0,
                          p.exitValue(),
                          block.where() + " exited non-zero:\n" + block.commands() + "\n" + output);
                    }));
  }
}
