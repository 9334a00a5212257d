package io.skyrelay.replay;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.skyrelay.replay.trace.KeyInterner;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class KeyInternerTest {

  @Test
  void givesDenseStableIdsToHexAndOtherKeys() {
    KeyInterner keys = new KeyInterner();
    Map<String, Integer> seen = new HashMap<>();
    SplittableRandom r = new SplittableRandom(3);
    for (int i = 0; i < 200_000; i++) {
      long v = r.nextLong(50_000);
      String key =
          switch (i % 4) {
            case 0 -> String.format(Locale.ROOT, "%016x", v * 0x9E3779B97F4A7C15L);
            case 1 -> String.format(Locale.ROOT, "%016X", v * 0x9E3779B97F4A7C15L);
            case 2 -> "photos/" + v + ".jpg";
            default -> String.format(Locale.ROOT, "%015x", v);
          };
      int id = keys.intern(key);
      Integer before = seen.putIfAbsent(key, id);
      assertEquals(before == null ? seen.size() - 1 : before, id, key);
      assertEquals(key, keys.key(id));
    }
    assertEquals(seen.size(), keys.size());
  }
}
