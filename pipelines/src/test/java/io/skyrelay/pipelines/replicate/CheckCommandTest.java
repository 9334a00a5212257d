package io.skyrelay.pipelines.replicate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.skyrelay.connectors.ObjectStore;
import io.skyrelay.connectors.ObjectStores;
import io.skyrelay.connectors.PutOptions;
import io.skyrelay.connectors.StoreSettings;
import io.skyrelay.pipelines.SkyrelayCli;
import io.skyrelay.pipelines.common.ExitStatus;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code skyrelay check SRC DST}: lists, exit statuses, filters and {@code --download}. */
class CheckCommandTest {

  @TempDir Path tmp;
  Path src;
  Path dst;

  record Outcome(int status, String out, String err) {}

  static void put(Path dir, String key, String content) {
    try (ObjectStore s = ObjectStores.open(dir.toUri().toString(), StoreSettings.EMPTY)) {
      byte[] b = content.getBytes(StandardCharsets.UTF_8);
      s.put(key, new ByteArrayInputStream(b), b.length, PutOptions.DEFAULT);
    }
  }

  @BeforeEach
  void locations() {
    src = tmp.resolve("src");
    dst = tmp.resolve("dst");
    put(src, "same.txt", "same");
    put(dst, "same.txt", "same");
    put(src, "photos/changed.jpg", "version 1");
    put(dst, "photos/changed.jpg", "version 2");
    put(src, "photos/new.jpg", "new");
    put(dst, "old/extra.txt", "extra");
  }

  Outcome run(String... args) {
    StringWriter err = new StringWriter();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    PrintStream stdout = System.out;
    int status;
    try {
      System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
      var cl = SkyrelayCli.commandLine();
      cl.setErr(new PrintWriter(err, true));
      status = cl.execute(args);
    } finally {
      System.setOut(stdout);
    }
    String printed = out.toString(StandardCharsets.UTF_8);
    stdout.print(printed);
    System.err.print(err);
    return new Outcome(status, printed, err.toString());
  }

  Outcome check(Path out, String... more) {
    List<String> args =
        new ArrayList<>(
            List.of(
                "check",
                src.toUri().toString(),
                dst.toUri().toString(),
                "--output",
                out.toString()));
    args.addAll(List.of(more));
    return run(args.toArray(String[]::new));
  }

  static List<String> lines(Path file) throws Exception {
    return Files.readAllLines(file).stream().sorted().toList();
  }

  @Test
  void listsMissingDifferentAndExtraAndExitsOne() throws Exception {
    Path out = tmp.resolve("out");
    Path combined = tmp.resolve("combined.txt");
    Outcome o = check(out, "--combined", combined.toString(), "--runner", "direct");
    assertEquals(ExitStatus.PARTIAL, o.status(), o.err());
    assertTrue(
        o.out().contains("1 equal, 1 missing at the destination, 1 different, 1 extra"), o.out());
    assertTrue(o.out().contains("- photos/new.jpg"), o.out());
    List<String> expected =
        List.of("* photos/changed.jpg", "+ old/extra.txt", "- photos/new.jpg", "= same.txt");
    assertEquals(expected, lines(out.resolve("combined.txt")));
    assertEquals(expected, lines(combined));
    assertEquals(List.of("photos/new.jpg"), lines(out.resolve("missing-on-dst.txt")));
    assertEquals(List.of("old/extra.txt"), lines(out.resolve("missing-on-src.txt")));
    assertEquals(List.of("photos/changed.jpg"), lines(out.resolve("differ.txt")));
    assertEquals(List.of("same.txt"), lines(out.resolve("match.txt")));
    assertEquals(List.of(), lines(out.resolve("error.txt")));
    // nothing was copied or deleted
    assertTrue(Files.exists(dst.resolve("old/extra.txt")));
    assertTrue(Files.notExists(dst.resolve("photos/new.jpg")));
  }

  @Test
  void filtersChooseWhatIsComparedAndEqualLocationsExitZero() throws Exception {
    Outcome o =
        check(
            tmp.resolve("out"),
            "--include",
            "/same.txt",
            "--include",
            "/old/**",
            "--runner",
            "direct");
    assertEquals(ExitStatus.PARTIAL, o.status());
    assertEquals(List.of("+ old/extra.txt", "= same.txt"), lines(tmp.resolve("out/combined.txt")));

    // after a replicate --delete the two hold the same objects (checked on the embedded Flink)
    Outcome copied =
        run(
            "replicate",
            src.toUri().toString(),
            dst.toUri().toString(),
            "--delete",
            "--runner",
            "direct",
            "--output",
            tmp.resolve("run").toString());
    assertEquals(ExitStatus.OK, copied.status(), copied.err());
    Outcome equal = check(tmp.resolve("after"));
    assertEquals(ExitStatus.OK, equal.status(), equal.err());
    assertTrue(equal.out().contains("3 equal, 0 missing"), equal.out());
  }

  @Test
  void downloadFindsBytesThatChangedBehindTheMetadata() throws Exception {
    // same size and modification time as what the listing remembers: its MD5 is stale
    Path file = dst.resolve("same.txt");
    FileTime mtime = Files.getLastModifiedTime(file);
    Files.writeString(file, "SAME");
    Files.setLastModifiedTime(file, mtime);

    Outcome byMetadata =
        check(
            tmp.resolve("meta"),
            "--runner",
            "direct",
            "--exclude",
            "photos/**",
            "--exclude",
            "/old/**");
    assertEquals(ExitStatus.OK, byMetadata.status(), byMetadata.out());

    Outcome byBytes =
        check(tmp.resolve("bytes"), "--download", "--runner", "direct", "--exclude", "/old/**");
    assertEquals(ExitStatus.PARTIAL, byBytes.status());
    assertEquals(
        List.of("* photos/changed.jpg", "* same.txt", "- photos/new.jpg"),
        lines(tmp.resolve("bytes/combined.txt")));
  }

  @Test
  void usageErrorsExitTwo() {
    assertEquals(ExitStatus.USAGE, run("check", src.toUri().toString()).status());
    assertEquals(
        ExitStatus.USAGE,
        run("check", src.toUri().toString(), dst.toUri().toString(), "--diff", "size").status());
    Outcome o = run("check", "--help");
    assertEquals(0, o.status());
    assertTrue(o.out().contains("--download"), o.out());
  }
}
