package io.skyrelay.transforms.regions;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RegionDataTest {

  @TempDir Path tmp;

  @Test
  void bundledDataHasAllFourTables() {
    RegionData d = RegionData.bundled();
    assertEquals(71, d.regions().size());
    assertEquals(4.737, d.throughputGbps("aws:us-east-1", "aws:us-east-2"), 1e-9);
    assertEquals(0.01, d.egressUsdPerGb("aws:us-east-1", "aws:us-east-2"), 1e-12);
    assertTrue(d.rttMs("aws:us-east-1", "aws:us-east-2") > 0);
    assertEquals(0, d.rttMs("aws:us-east-1", "aws:us-east-1"));
    assertTrue(d.storagePrice("aws:us-east-1").usdPerGbMonth() > 0);
    assertEquals("gcp", RegionData.provider("gcp:us-central1-a"));
  }

  @Test
  void unknownRegionsListCloseMatches() {
    RegionData d = RegionData.bundled();
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> d.storagePrice("aws:us-east-7"));
    assertTrue(e.getMessage().contains("did you mean aws:us-east-1"), e.getMessage());
    assertThrows(
        IllegalArgumentException.class, () -> d.egressUsdPerGb("azure:westeurop", "aws:us-east-1"));
  }

  @Test
  void aUsersFilesReplaceTheBundledOnes() throws Exception {
    Files.writeString(tmp.resolve("egress.csv"), "src,dst,usd_per_gb\nx:a,x:b,0.5\nx:b,x:a,0.25\n");
    Files.writeString(tmp.resolve("throughput.csv"), "src,dst,gbps\nx:a,x:b,3\nx:b,x:a,4\n");
    RegionData d = RegionData.fromDirectory(tmp);
    assertEquals(2, d.regions().size());
    assertEquals(0.5, d.egressUsdPerGb("x:a", "x:b"));
    assertEquals(4, d.throughputGbps("x:b", "x:a"));
    assertTrue(Double.isNaN(d.rttMs("x:a", "x:b")), "rtt.csv is optional");
    Files.writeString(tmp.resolve("rtt.csv"), "src,dst,rtt_ms\nx:a,x:b,12.5\n");
    Files.writeString(
        tmp.resolve("storage_prices.csv"),
        "region,storage_usd_per_gb_month,put_usd_per_request,get_usd_per_request\nx:a,0.02,5e-6,4e-7\n");
    d = RegionData.bundledOr(tmp);
    assertEquals(12.5, d.rttMs("x:a", "x:b"));
    assertEquals(0.02, d.storagePrice("x:a").usdPerGbMonth());
    Files.writeString(tmp.resolve("rtt.csv"), "from,to,ms\n");
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> RegionData.fromDirectory(tmp));
    assertTrue(e.getMessage().contains("src,dst,rtt_ms"), e.getMessage());
  }
}
