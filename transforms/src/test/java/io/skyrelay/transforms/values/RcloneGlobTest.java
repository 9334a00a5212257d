package io.skyrelay.transforms.values;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class RcloneGlobTest {

  static boolean matches(String glob, String key) {
    return key.matches(RcloneGlob.toRegex(glob));
  }

  @Test
  void globsMatchAsInRclone() {
    assertTrue(matches("*.jpg", "a.jpg"));
    assertTrue(matches("*.jpg", "deep/er/a.jpg"), "unanchored: at any depth");
    assertFalse(matches("*.jpg", "a.jpg.bak"));
    assertTrue(matches("/*.jpg", "a.jpg"));
    assertFalse(matches("/*.jpg", "deep/a.jpg"), "anchored: * stays in one folder");
    assertTrue(matches("/photos/**", "photos/a/b/c"));
    assertFalse(matches("/photos/**", "old/photos/a"));
    assertTrue(matches("photos/", "old/photos/a/b"), "a trailing / is the folder's contents");
    assertTrue(matches("file?.{txt,md}", "x/file1.md"));
    assertFalse(matches("file?.{txt,md}", "file12.md"));
    assertTrue(matches("[!a]*", "b"));
    assertFalse(matches("[!a]*", "abc"));
    assertTrue(matches("a\\*b", "a*b"));
    assertFalse(matches("a\\*b", "axb"));
    assertThrows(IllegalArgumentException.class, () -> RcloneGlob.toRegex("{a,b"));
  }

  @Test
  void theFirstMatchingRuleDecidesAndAnIncludeExcludesTheRest() {
    KeyFilter f = KeyFilter.all().withOrderedRules(List.of("-/tmp/**", "+*.jpg"));
    assertTrue(f.accepts("a/b.jpg"));
    assertFalse(f.accepts("tmp/b.jpg"), "the exclude came first");
    assertFalse(f.accepts("a/b.txt"), "matches no rule while there is an include");
    KeyFilter reversed = KeyFilter.all().withOrderedRules(List.of("+*.jpg", "-/tmp/**"));
    assertTrue(reversed.accepts("tmp/b.jpg"), "the include came first");
    KeyFilter excludesOnly = KeyFilter.all().withOrderedRules(List.of("-*.tmp"));
    assertTrue(excludesOnly.accepts("a.txt"));
    assertFalse(excludesOnly.accepts("a.tmp"));
    KeyFilter sized = KeyFilter.all().withSizes(10, 100);
    assertEquals(
        List.of(false, true, true, false),
        List.of(
            sized.accepts("k", 9),
            sized.accepts("k", 10),
            sized.accepts("k", 100),
            sized.accepts("k", 101)));
    assertFalse(sized.acceptsAll());
    assertTrue(KeyFilter.all().acceptsAll());
  }
}
