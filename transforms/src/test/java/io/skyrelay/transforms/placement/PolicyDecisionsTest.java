package io.skyrelay.transforms.placement;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.skyrelay.transforms.regions.RegionData;
import java.util.List;
import org.junit.jupiter.api.Test;

class PolicyDecisionsTest {

  static final List<String> REGIONS = List.of("aws:us-east-1", "azure:westeurope", "aws:us-west-2");
  static final CostModel MODEL = new CostModel(RegionData.bundled(), REGIONS);

  static Policy policy(String spec) {
    return Policy.parse(spec, REGIONS);
  }

  @Test
  void singleHomesEveryWriteInItsRegionOthersInTheWriters() {
    assertEquals(2, policy("single:aws:us-west-2").homeRegion(0));
    assertEquals(0, policy("single").homeRegion(1), "single without a region: the first");
    assertEquals(1, policy("ttl:1h").homeRegion(1));
    assertEquals(1, policy("replicate-all").homeRegion(1));
  }

  @Test
  void pushPoliciesCopyToTheirRegionsButNotHome() {
    Policy all = policy("replicate-all");
    assertTrue(all.pushesTo(1, 0));
    assertTrue(all.pushesTo(2, 0));
    assertFalse(all.pushesTo(0, 0));
    Policy push = policy("push:aws:us-east-1+aws:us-west-2");
    assertTrue(push.pushesTo(2, 1));
    assertFalse(push.pushesTo(1, 0));
    assertFalse(push.pushesTo(0, 0));
    assertFalse(policy("pull-keep").pushesTo(1, 0));
  }

  @Test
  void pullPoliciesKeepACopyOnAMissOthersDoNot() {
    for (String s : List.of("pull-keep", "ttl:1h", "break-even", "adaptive", "lru:1GiB")) {
      assertTrue(policy(s).keepsCopyOnMiss(), s);
    }
    for (String s : List.of("single", "replicate-all", "push:aws:us-east-1", "pull-evict")) {
      assertFalse(policy(s).keepsCopyOnMiss(), s);
    }
  }

  @Test
  void deadlinesFollowTheKind() {
    long now = 1_000_000;
    assertEquals(now + 3_600_000, policy("ttl:1h").deadline(now, 0, 1, MODEL, null));
    assertEquals(
        now + MODEL.breakEvenMs(0, 1), policy("break-even").deadline(now, 0, 1, MODEL, null));
    AdaptiveTtl learned = new AdaptiveTtl(MODEL);
    for (int i = 0; i < 32; i++) {
      learned.observe(0, 1, 600_000);
    }
    assertEquals(now + 1_024_000, policy("adaptive").deadline(now, 0, 1, MODEL, learned));
    assertEquals(Policy.FOREVER - 1, policy("pull-keep").deadline(now, 0, 1, MODEL, null));
    assertEquals(Policy.FOREVER - 1, policy("lru:1GiB").deadline(now, 0, 1, MODEL, null));
    assertTrue(policy("ttl:1h").refreshesOnHit());
    assertTrue(policy("adaptive").refreshesOnHit());
    assertFalse(policy("pull-keep").refreshesOnHit());
    assertFalse(policy("lru:1GiB").refreshesOnHit());
  }

  @Test
  void lruAdmitsWhatFitsAndOverflowsPastCapacity() {
    Policy lru = policy("lru:1KiB");
    assertTrue(lru.admits(1024));
    assertFalse(lru.admits(1025));
    assertFalse(lru.exceedsCapacity(1024));
    assertTrue(lru.exceedsCapacity(1025));
    assertFalse(policy("ttl:1h").exceedsCapacity(Long.MAX_VALUE));
  }

  @Test
  void aReaderHoldingACopyServesItselfOthersReadTheCheapestThenTheNearest() {
    assertEquals(1, MODEL.servingRegion(0b111, 1, 1 << 20));
    assertEquals(-1, MODEL.servingRegion(0, 1, 10));
    // Into Azure, us-west-2 (listed first) and us-east-1 cost the same to read from (same GET
    // price, 0.09 $/GB egress): the nearer, us-east-1, serves.
    CostModel m =
        new CostModel(
            RegionData.bundled(), List.of("aws:us-west-2", "azure:westeurope", "aws:us-east-1"));
    assertEquals(m.egressUsdPerGb(0, 1), m.egressUsdPerGb(2, 1));
    assertEquals(2, m.servingRegion(0b101, 1, 1 << 20));
  }

  @Test
  void theCheapestRegionWinsOverConfigurationOrder() {
    // Labels priced as grid regions; the first listed is the dearest to read from.
    CostModel m =
        new CostModel(
            RegionData.bundled(),
            List.of("a", "b", "c"),
            java.util.Arrays.asList("azure:westeurope", "aws:us-east-1", "aws:us-east-2"));
    // Reading in b: a copy in c (AWS to AWS, 0.02 $/GB) is cheaper than one in a (Azure egress).
    assertTrue(m.egressUsdPerGb(2, 1) < m.egressUsdPerGb(0, 1));
    assertEquals(2, m.servingRegion(0b101, 1, 1 << 20));
  }

  @Test
  void optimumParsesButNamesOnlyKnownRegions() {
    assertEquals(Policy.Kind.OPTIMUM, policy("optimum").kind());
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> policy("push:gcp:nowhere"));
    assertTrue(e.getMessage().contains("gcp:nowhere"), e.getMessage());
  }
}
