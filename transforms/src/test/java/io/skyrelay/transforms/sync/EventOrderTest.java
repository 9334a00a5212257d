package io.skyrelay.transforms.sync;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.skyrelay.transforms.values.ChangeEvent;
import io.skyrelay.transforms.values.ChangeEvent.Kind;
import org.junit.jupiter.api.Test;

class EventOrderTest {

  private static ChangeEvent event(String store, Kind kind, String sequencer) {
    ChangeEvent e = new ChangeEvent();
    e.store = store;
    e.bucket = "b";
    e.key = "k";
    e.kind = kind;
    e.sequencer = sequencer;
    return e;
  }

  private static void assertBefore(ChangeEvent earlier, ChangeEvent later) {
    assertTrue(
        EventOrder.compare(earlier, later) < 0, () -> earlier + " should be before " + later);
    assertTrue(EventOrder.compare(later, earlier) > 0, () -> later + " should be after " + earlier);
  }

  @Test
  void s3SequencersOfTheSameLengthCompareAsHex() {
    assertBefore(
        event("s3", Kind.CREATED, "617f08299329d189"),
        event("s3", Kind.DELETED, "617f0837b476e463"));
  }

  @Test
  void s3SequencersOfDifferentLengthsAreRightPaddedWithZeros() {
    // Right-padded, "B" is "B0000" and later than "A1234"; left-padding would make it "0000B".
    assertBefore(event("s3", Kind.CREATED, "A1234"), event("s3", Kind.CREATED, "B"));
    // A sequencer that is a prefix of a longer one pads to "...020000" < "...0281E5".
    assertBefore(
        event("s3", Kind.CREATED, "0055AED6DCD902"),
        event("s3", Kind.CREATED, "0055AED6DCD90281E5"));
  }

  @Test
  void s3SequencersEqualAfterPaddingAreTheSameEvent() {
    assertEquals(
        0,
        EventOrder.compare(event("s3", Kind.CREATED, "0A1"), event("s3", Kind.CREATED, "0a100")));
  }

  @Test
  void gcsGenerationsCompareAsNumbersNotText() {
    assertBefore(event("gs", Kind.CREATED, "9"), event("gs", Kind.CREATED, "10"));
    assertBefore(
        event("gs", Kind.CREATED, "1587627537231057"),
        event("gs", Kind.CREATED, "1587627537231058"));
  }

  @Test
  void gcsDeleteOfAGenerationComesAfterItsCreate() {
    assertBefore(
        event("gs", Kind.CREATED, "1587627537231057"),
        event("gs", Kind.DELETED, "1587627537231057"));
  }

  @Test
  void gcsDeleteOfAnOverwrittenGenerationComesBeforeTheNewGeneration() {
    ChangeEvent delete = event("gs", Kind.DELETED, "1587627537231057");
    delete.overwrittenByGeneration = "1587627537231058";
    assertBefore(delete, event("gs", Kind.CREATED, "1587627537231058"));
  }

  @Test
  void gcsMetadataUpdatesOrderByMetagenerationWithinAGeneration() {
    assertBefore(event("gs", Kind.CREATED, "10"), event("gs", Kind.METADATA_UPDATED, "10.2"));
    assertBefore(
        event("gs", Kind.METADATA_UPDATED, "10.2"), event("gs", Kind.METADATA_UPDATED, "10.10"));
    assertBefore(event("gs", Kind.METADATA_UPDATED, "9.5"), event("gs", Kind.CREATED, "10"));
  }

  @Test
  void gcsDeleteComesAfterAMetadataUpdateOfTheSameGeneration() {
    assertBefore(event("gs", Kind.METADATA_UPDATED, "10.3"), event("gs", Kind.DELETED, "10"));
  }

  @Test
  void azureSequencersCompareAsFixedWidthHex() {
    assertBefore(
        event("az", Kind.CREATED, "00000000000004420000000000028963"),
        event("az", Kind.DELETED, "00000000000004420000000000028964"));
    assertBefore(
        event("az", Kind.CREATED, "0000000000000281000000000002F5CA"),
        event("az", Kind.CREATED, "00000000000004420000000000028963"));
    assertEquals(
        0,
        EventOrder.compare(
            event("az", Kind.CREATED, "0000000000000281000000000002f5ca"),
            event("az", Kind.CREATED, "0000000000000281000000000002F5CA")));
  }
}
