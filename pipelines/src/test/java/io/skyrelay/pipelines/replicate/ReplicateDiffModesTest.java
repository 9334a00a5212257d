package io.skyrelay.pipelines.replicate;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.skyrelay.connectors.ObjectStore;
import io.skyrelay.connectors.ObjectStores;
import io.skyrelay.connectors.PutOptions;
import io.skyrelay.connectors.StoreSettings;
import io.skyrelay.pipelines.SkyrelayCli;
import io.skyrelay.transforms.values.ObjectResult;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Each {@code --diff} mode against local folders, with four objects of equal size at both ends on
 * which the modes disagree; every mode copies a different set:
 *
 * <ul>
 *   <li>{@code changed}: other bytes, the replica newer: only {@code mtime} misses the change;
 *   <li>{@code touched}: the same bytes, the replica's time changed later (its MD5 is no longer
 *       known, and its ETag is made of size and time): {@code etag} and {@code checksum} copy it
 *       again, {@code auto} falls back to the time and skips it, as {@code mtime} does;
 *   <li>{@code older}: the same bytes, the replica older: only {@code mtime} copies it;
 *   <li>{@code untracked}: the same bytes at both ends, with the same time and no MD5 at either
 *       (copied by a tool that drops extended attributes, keeping times): only {@code checksum},
 *       which needs MD5s, copies it.
 * </ul>
 */
class ReplicateDiffModesTest {

  @TempDir Path tmp;
  Path src;
  Path dst;

  static void put(Path dir, String key, String content) {
    try (ObjectStore s = ObjectStores.open(dir.toUri().toString(), StoreSettings.EMPTY)) {
      byte[] b = content.getBytes(StandardCharsets.UTF_8);
      s.put(key, new ByteArrayInputStream(b), b.length, PutOptions.DEFAULT);
    }
  }

  static long mtime(Path dir, String key) throws Exception {
    return Files.getLastModifiedTime(dir.resolve(key)).toMillis();
  }

  /**
   * Writes {@code key} at {@code later} again until its time is after the one at {@code earlier}.
   */
  static void putAfter(Path earlier, Path later, String key, String content) throws Exception {
    do {
      put(later, key, content);
    } while (mtime(later, key) <= mtime(earlier, key));
  }

  @BeforeEach
  void objects() throws Exception {
    src = tmp.resolve("src");
    dst = tmp.resolve("dst");
    put(src, "changed", "version 1");
    putAfter(src, dst, "changed", "version 2");

    put(src, "touched", "same bytes");
    put(dst, "touched", "same bytes");
    Files.setLastModifiedTime(
        dst.resolve("touched"), FileTime.from(Instant.now().plusSeconds(3600)));

    put(dst, "older", "same bytes");
    putAfter(dst, src, "older", "same bytes");

    FileTime fixed = FileTime.from(Instant.parse("2024-01-01T00:00:00Z"));
    put(src, "untracked", "same bytes");
    put(dst, "untracked", "same bytes");
    Files.setLastModifiedTime(src.resolve("untracked"), fixed);
    Files.setLastModifiedTime(dst.resolve("untracked"), fixed);
  }

  /** The keys a dry run with {@code --diff mode} would copy. */
  List<String> copiedBy(String mode) throws Exception {
    Path out = tmp.resolve("out-" + mode);
    int status =
        SkyrelayCli.commandLine()
            .execute(
                "replicate",
                src.toUri().toString(),
                dst.toUri().toString(),
                "--diff",
                mode,
                "--dry-run",
                "--runner",
                "direct",
                "--output",
                out.toString());
    assertEquals(0, status);
    Map<String, ObjectResult.Action> actions = new TreeMap<>();
    for (ObjectResult r : ReplicateJob.readResults(out)) {
      actions.put(r.key, r.action);
    }
    assertEquals(
        List.of("changed", "older", "touched", "untracked"), List.copyOf(actions.keySet()));
    return actions.entrySet().stream()
        .filter(e -> e.getValue() == ObjectResult.Action.COPIED)
        .map(Map.Entry::getKey)
        .toList();
  }

  @Test
  void etagCopiesWhatTheEtagsDoNotMatch() throws Exception {
    assertEquals(List.of("changed", "touched"), copiedBy("etag"));
  }

  @Test
  void checksumCopiesWhatHasNoMd5AtEitherEnd() throws Exception {
    assertEquals(List.of("changed", "touched", "untracked"), copiedBy("checksum"));
  }

  @Test
  void mtimeCopiesOnlyWhatIsNewerAtTheSource() throws Exception {
    assertEquals(List.of("older"), copiedBy("mtime"));
  }

  @Test
  void autoComparesMd5sWhereKnownElseEtagsElseTimes() throws Exception {
    assertEquals(List.of("changed"), copiedBy("auto"));
  }
}
