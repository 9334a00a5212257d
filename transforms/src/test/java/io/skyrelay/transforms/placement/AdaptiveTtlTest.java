package io.skyrelay.transforms.placement;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.skyrelay.transforms.regions.RegionData;
import java.util.List;
import org.junit.jupiter.api.Test;

class AdaptiveTtlTest {

  final CostModel model =
      new CostModel(RegionData.bundled(), List.of("aws:us-east-1", "azure:westeurope"));

  @Test
  void startsAtBreakEvenThenLearnsATtlJustAboveTheGaps() {
    AdaptiveTtl ttl = new AdaptiveTtl(model);
    assertEquals(model.breakEvenMs(0, 1), ttl.ttl(0, 1));
    for (int i = 0; i < 32; i++) {
      ttl.observe(0, 1, 600_000); // ten minutes
    }
    assertEquals(1_024_000, ttl.ttl(0, 1), "the edge of the bucket holding 600 s");
    assertEquals(model.breakEvenMs(1, 0), ttl.ttl(1, 0), "other pairs unchanged");
  }

  @Test
  void learnsToFetchAgainWhenGapsAreLongerThanBreakEven() {
    AdaptiveTtl ttl = new AdaptiveTtl(model);
    long year = 365L * 24 * 3_600_000;
    for (int i = 0; i < 32; i++) {
      ttl.observe(0, 1, year);
    }
    assertEquals(0, ttl.ttl(0, 1));
  }
}
