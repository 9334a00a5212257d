package io.skyrelay.connectors;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class StoreSettingTest {

  private static String refused(StoreSetting s, String value) {
    return assertThrows(IllegalArgumentException.class, () -> s.check(value)).getMessage();
  }

  @Test
  void valuesAreCheckedAgainstTheDeclaredType() {
    StoreSetting flag = StoreSetting.bool("path-style", "false", "d");
    assertDoesNotThrow(() -> flag.check("TRUE"));
    assertDoesNotThrow(() -> flag.check(" false"));
    String maybe = refused(flag, "maybe");
    assertTrue(maybe.contains("path-style"), maybe);
    assertTrue(maybe.contains("boolean (true or false)"), maybe);
    assertTrue(maybe.contains("'maybe'"), maybe);

    StoreSetting count = StoreSetting.integer("max-connections", "64", "d");
    assertDoesNotThrow(() -> count.check("128"));
    assertTrue(refused(count, "lots").contains("integer"));
    assertTrue(refused(count, "99999999999").contains("integer"));

    StoreSetting size = StoreSetting.size("part-size", "64MiB", "d");
    assertDoesNotThrow(() -> size.check("64MiB"));
    assertDoesNotThrow(() -> size.check("5 GB"));
    assertTrue(refused(size, "64 furlongs").contains("size"));

    StoreSetting tier = StoreSetting.oneOf("tier", List.of("hot", "cool"), "hot", "d");
    assertDoesNotThrow(() -> tier.check("cool"));
    assertTrue(refused(tier, "warm").contains("one of hot, cool"));

    StoreSetting file = StoreSetting.path("credentials-file", "d");
    assertDoesNotThrow(() -> file.check("/etc/skyrelay/key.json"));
    assertTrue(refused(file, "").contains("path"));
  }

  @Test
  void aRefusedSecretIsNotQuoted() {
    StoreSetting secretNumber =
        new StoreSetting("pin", StoreSetting.Type.INTEGER, List.of(), true, "", "d");
    String message = refused(secretNumber, "hunter2-secret");
    assertFalse(message.contains("hunter2-secret"), message);
    assertTrue(message.contains("pin") && message.contains("integer"), message);
  }

  @Test
  void sizesHaveDecimalAndBinaryUnits() {
    assertEquals(1_048_576, StoreSetting.parseSize("1048576"));
    assertEquals(64L << 20, StoreSetting.parseSize("64MiB"));
    assertEquals(5_000_000_000L, StoreSetting.parseSize("5 gb"));
    assertEquals(-1, StoreSetting.parseSize("1.5GB"));
    assertEquals(-1, StoreSetting.parseSize("99999999999TiB"));
  }

  @Test
  void theClosestNameIsSuggestedOnlyWhenOneIsObviouslyMeant() {
    List<String> names = List.of("endpoint", "region", "path-style", "profile", "session-token");
    assertEquals("endpoint", StoreSetting.closest("endpiont", names));
    assertEquals("endpoint", StoreSetting.closest("end-point", names));
    assertEquals("path-style", StoreSetting.closest("pathstyle", names));
    assertEquals("region", StoreSetting.closest("regoin", names));
    assertNull(StoreSetting.closest("bucket", names));
    assertNull(StoreSetting.closest("x", List.of("a", "b")), "a tie suggests nothing");
  }

  @Test
  void declarationsAreWellFormed() {
    assertThrows(
        IllegalArgumentException.class, () -> StoreSetting.string("Path_Style", "not kebab"));
    assertThrows(
        IllegalArgumentException.class,
        () -> StoreSetting.oneOf("tier", List.of(), "", "an enum without values"));
  }
}
