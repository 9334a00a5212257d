package io.skyrelay.pipelines.replicate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.skyrelay.connectors.ObjectInfo;
import io.skyrelay.connectors.ObjectStore;
import io.skyrelay.connectors.ObjectStores;
import io.skyrelay.connectors.PutOptions;
import io.skyrelay.connectors.StoreSettings;
import io.skyrelay.pipelines.SkyrelayCli;
import io.skyrelay.pipelines.common.ExitStatus;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code --include}, {@code --exclude}, {@code --min-size} and {@code --max-size}. */
class ReplicateFiltersTest {

  @TempDir Path tmp;
  Path src;

  static final Map<String, Integer> SOURCE =
      Map.of(
          "photos/a.jpg", 100,
          "photos/b.txt", 100,
          "photos/raw/c.jpg", 100,
          "photos/raw/big.jpg", 5000,
          "tmp/x.jpg", 100,
          "notes.txt", 100);

  static ObjectStore open(Path dir) {
    return ObjectStores.open(dir.toUri().toString(), StoreSettings.EMPTY);
  }

  static void put(ObjectStore store, String key, int size) {
    store.put(key, new ByteArrayInputStream(new byte[size]), size, PutOptions.DEFAULT);
  }

  static List<String> keys(Path dir) {
    try (ObjectStore s = open(dir)) {
      return s.listAllToList("").stream().map(ObjectInfo::key).sorted().toList();
    }
  }

  @BeforeEach
  void source() {
    src = tmp.resolve("src");
    try (ObjectStore s = open(src)) {
      SOURCE.forEach((k, size) -> put(s, k, size));
    }
  }

  /** Runs replicate from the source; returns the exit status and what it printed. */
  Object[] run(Path dst, String... more) {
    List<String> args = new ArrayList<>(List.of("replicate", src.toUri().toString()));
    args.add(dst.toUri().toString());
    args.addAll(List.of(more));
    args.addAll(List.of("--runner", "direct", "--output", dst + "-out"));
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    PrintStream stdout = System.out;
    int status;
    try {
      System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
      status = SkyrelayCli.commandLine().execute(args.toArray(String[]::new));
    } finally {
      System.setOut(stdout);
    }
    String printed = out.toString(StandardCharsets.UTF_8);
    stdout.print(printed);
    return new Object[] {status, printed};
  }

  @Test
  void rulesAreTriedInTheOrderGivenAndTheFirstMatchDecides() {
    Path first = tmp.resolve("include-first");
    assertEquals(0, run(first, "--include", "*.jpg", "--exclude", "/tmp/**")[0]);
    assertEquals(
        List.of("photos/a.jpg", "photos/raw/big.jpg", "photos/raw/c.jpg", "tmp/x.jpg"),
        keys(first));

    Path second = tmp.resolve("exclude-first");
    assertEquals(
        0, run(second, "--exclude=/tmp/**", "--include", "*.jpg", "--max-size", "1KiB")[0]);
    assertEquals(List.of("photos/a.jpg", "photos/raw/c.jpg"), keys(second));

    Path large = tmp.resolve("large");
    assertEquals(0, run(large, "--min-size", "1000")[0]);
    assertEquals(List.of("photos/raw/big.jpg"), keys(large));
  }

  @Test
  void deleteRemovesOnlyKeysTheFiltersSelect() {
    Path dst = tmp.resolve("dst");
    try (ObjectStore d = open(dst)) {
      put(d, "old.jpg", 10);
      put(d, "keep.txt", 10);
      put(d, "photos/huge-old.jpg", 9000);
    }
    assertEquals(0, run(dst, "--include", "*.jpg", "--max-size", "8000", "--delete")[0]);
    assertEquals(
        List.of(
            "keep.txt",
            "photos/a.jpg",
            "photos/huge-old.jpg",
            "photos/raw/big.jpg",
            "photos/raw/c.jpg",
            "tmp/x.jpg"),
        keys(dst));
  }

  @Test
  void aDryRunShowsTheFiltersAndPlansOnlyWhatTheySelect() throws Exception {
    Path dst = tmp.resolve("dry");
    Object[] r = run(dst, "--exclude", "*.txt", "--exclude", "/tmp/", "--dry-run");
    assertEquals(0, r[0]);
    String out = (String) r[1];
    assertTrue(
        out.contains("filters: exclude *.txt, exclude /tmp/; objects left out are neither"), out);
    assertEquals(
        3,
        new ObjectMapper()
            .readTree(Path.of(dst + "-out", "report.json").toFile())
            .get("copied")
            .asLong());
    assertEquals(List.of(), keys(dst));
  }

  @Test
  void filesFromCopiesAndDeletesOnlyTheKeysListed() throws Exception {
    Path list = tmp.resolve("keys.txt");
    java.nio.file.Files.writeString(
        list, "# what to copy\n/photos/a.jpg\n\n  photos/raw/c.jpg  \n; not this\nold.jpg\n");
    Path dst = tmp.resolve("listed");
    try (ObjectStore d = open(dst)) {
      put(d, "old.jpg", 10); // listed, gone from the source: deleted
      put(d, "other.jpg", 10); // not listed: kept
    }
    Object[] r = run(dst, "--files-from", list.toString(), "--delete");
    assertEquals(0, r[0]);
    assertTrue(((String) r[1]).contains("only the 3 keys listed (--files-from)"), (String) r[1]);
    assertEquals(List.of("other.jpg", "photos/a.jpg", "photos/raw/c.jpg"), keys(dst));

    // other filters still apply to the keys listed
    Path small = tmp.resolve("listed-small");
    assertEquals(0, run(small, "--files-from", list.toString(), "--exclude", "raw/**")[0]);
    assertEquals(List.of("photos/a.jpg"), keys(small));

    Object[] missing = run(tmp.resolve("x"), "--files-from", tmp.resolve("nope.txt").toString());
    assertEquals(ExitStatus.USAGE, missing[0]);
  }

  @Test
  void aBadGlobIsABadArgument() {
    assertEquals(ExitStatus.USAGE, run(tmp.resolve("x"), "--include", "{a,b")[0]);
    assertEquals(ExitStatus.USAGE, run(tmp.resolve("x"), "--min-size", "lots")[0]);
  }
}
