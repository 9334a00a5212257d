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

/**
 * {@code --include}, {@code --exclude}, {@code --files-from}, {@code --min-size}, {@code
 * --max-size}, {@code --max-age} and {@code --min-age}.
 */
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

  /** Sets the last-modified time of the local object {@code key} under {@code dir}. */
  static void age(Path dir, String key, java.time.Duration age) throws java.io.IOException {
    java.nio.file.Files.setLastModifiedTime(
        dir.resolve(key),
        java.nio.file.attribute.FileTime.from(java.time.Instant.now().minus(age)));
  }

  @Test
  void agesSelectBySourceModificationTime() throws Exception {
    age(src, "photos/a.jpg", java.time.Duration.ofDays(10));
    age(src, "tmp/x.jpg", java.time.Duration.ofDays(10));

    Path recent = tmp.resolve("recent");
    assertEquals(0, run(recent, "--max-age", "2d")[0]);
    assertEquals(
        List.of("notes.txt", "photos/b.txt", "photos/raw/big.jpg", "photos/raw/c.jpg"),
        keys(recent));

    Path old = tmp.resolve("old");
    assertEquals(0, run(old, "--min-age", "1w")[0]);
    assertEquals(List.of("photos/a.jpg", "tmp/x.jpg"), keys(old));

    // an absolute date: five days ago, as rclone takes it
    String date = java.time.LocalDate.now().minusDays(5).toString();
    Path since = tmp.resolve("since");
    assertEquals(0, run(since, "--max-age", date, "--include", "*.jpg")[0]);
    assertEquals(List.of("photos/raw/big.jpg", "photos/raw/c.jpg"), keys(since));

    Object[] bad = run(tmp.resolve("x"), "--max-age", "yesterday");
    assertEquals(ExitStatus.USAGE, bad[0]);
  }

  @Test
  void deleteWithAgesRemovesOnlyWhatTheAgesSelect() throws Exception {
    age(src, "photos/a.jpg", java.time.Duration.ofDays(10));
    Path dst = tmp.resolve("aged");
    try (ObjectStore d = open(dst)) {
      put(d, "photos/a.jpg", 100); // a newer replica of a source object outside the ages: kept
      put(d, "gone-new.jpg", 10); // recent, the source lost it: deleted
      put(d, "gone-old.jpg", 10); // outside the ages, the source lost it: kept
    }
    age(dst, "gone-old.jpg", java.time.Duration.ofDays(10));
    Object[] r = run(dst, "--max-age", "2d", "--delete");
    assertEquals(0, r[0]);
    assertEquals(
        List.of(
            "gone-old.jpg",
            "notes.txt",
            "photos/a.jpg",
            "photos/b.txt",
            "photos/raw/big.jpg",
            "photos/raw/c.jpg",
            "tmp/x.jpg"),
        keys(dst));
  }

  @Test
  void aDryRunCountsWhatTheFiltersLeftOut() throws Exception {
    age(src, "notes.txt", java.time.Duration.ofDays(10));
    Path dst = tmp.resolve("counted");
    Object[] r = run(dst, "--max-age", "2d", "--max-size", "1000", "--dry-run");
    assertEquals(0, r[0]);
    String out = (String) r[1];
    assertTrue(out.contains("modified from "), out);
    // notes.txt by its age, photos/raw/big.jpg by its size
    assertTrue(out.contains("filters left out 2 source objects (5.0 KiB)"), out);
    var report = new ObjectMapper().readTree(Path.of(dst + "-out", "report.json").toFile());
    assertEquals(2, report.get("filteredOut").asLong());
    assertEquals(4, report.get("copied").asLong());
  }

  @Test
  void aFilterWithALiteralFolderListsOnlyThatFolder() throws Exception {
    Path dst = tmp.resolve("narrow");
    Object[] r = run(dst, "--exclude", "*.txt", "--include", "/photos/**", "--dry-run");
    assertEquals(0, r[0]);
    var report = new ObjectMapper().readTree(Path.of(dst + "-out", "report.json").toFile());
    assertEquals(3, report.get("copied").asLong());
    // only photos/ was listed: photos/b.txt was left out, tmp/x.jpg and notes.txt never listed
    assertEquals(1, report.get("filteredOut").asLong(), (String) r[1]);
  }

  @Test
  void aBadGlobIsABadArgument() {
    assertEquals(ExitStatus.USAGE, run(tmp.resolve("x"), "--include", "{a,b")[0]);
    assertEquals(ExitStatus.USAGE, run(tmp.resolve("x"), "--min-size", "lots")[0]);
  }
}
