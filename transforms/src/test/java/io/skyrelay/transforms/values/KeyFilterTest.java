package io.skyrelay.transforms.values;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class KeyFilterTest {

  @Test
  void agesBoundTheLastModifiedTime() {
    KeyFilter f = KeyFilter.all().withModified(1_000, 2_000);
    assertFalse(f.acceptsAll());
    assertTrue(f.accepts("a", 1, 1_000));
    assertTrue(f.accepts("a", 1, 2_000));
    assertFalse(f.accepts("a", 1, 999));
    assertFalse(f.accepts("a", 1, 2_001));
    assertThrows(IllegalArgumentException.class, () -> KeyFilter.all().withModified(2_000, 1_000));
  }

  @Test
  void theListingPrefixIsTheFolderEverySelectedKeyLiesIn() {
    assertEquals("", KeyFilter.all().listingPrefix());
    assertEquals(
        "photos/2024/",
        KeyFilter.all().withOrderedRules(List.of("-*.tmp", "+/photos/2024/*.jpg")).listingPrefix());
    assertEquals(
        "photos/",
        KeyFilter.all()
            .withOrderedRules(List.of("+/photos/2024/**", "+/photos/2023/"))
            .listingPrefix());
    // an unanchored include matches at any depth: the whole location is listed
    assertEquals(
        "", KeyFilter.all().withOrderedRules(List.of("+/photos/**", "+*.jpg")).listingPrefix());
    // only excludes: anything else is selected
    assertEquals("", KeyFilter.all().withOrderedRules(List.of("-/tmp/**")).listingPrefix());
    assertEquals("", KeyFilter.all().withOrderedRules(List.of("+/report.csv")).listingPrefix());
    assertEquals(
        "logs/2024/",
        KeyFilter.all()
            .withKeyList(List.of("logs/2024/01.txt", "logs/2024/02.txt"))
            .listingPrefix());
    assertEquals(
        "logs/2024/",
        KeyFilter.all()
            .withOrderedRules(List.of("+/logs/**"))
            .withKeyList(List.of("logs/2024/01.txt", "logs/2024/02.txt"))
            .listingPrefix());
  }
}
