package io.skyrelay.pipelines.replicate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.skyrelay.connectors.StoreSettings;
import io.skyrelay.connectors.StoreUri;
import io.skyrelay.transforms.regions.RegionData;
import io.skyrelay.transforms.replicate.DiffMode;
import io.skyrelay.transforms.replicate.ReplicationSpec;
import io.skyrelay.transforms.replicate.Routing;
import io.skyrelay.transforms.replicate.StoreLocation;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The egress a replication's summary reports, from the job's counters and its region data. */
class ReplicationSummaryTest {

  static final String SRC = "aws:us-west-2";
  static final String R1 = "azure:westus2";
  static final String R2 = "gcp:us-west1-a";
  static final String DST = "gcp:asia-south2-a";

  @TempDir Path tmp;

  /** Prices unlike the bundled ones (there: direct 0.09, via R1 0.09 + 0.0875). */
  RegionData own;

  @BeforeEach
  void ownRegionData() throws Exception {
    Files.writeString(
        tmp.resolve("egress.csv"),
        String.join(
            "\n",
            "src,dst,usd_per_gb",
            SRC + "," + DST + ",0.5",
            SRC + "," + R1 + ",0.02",
            R1 + "," + DST + ",0.03",
            R1 + "," + R2 + ",0.07",
            R2 + "," + DST + ",0.11",
            ""));
    Files.writeString(
        tmp.resolve("throughput.csv"),
        String.join(
            "\n",
            "src,dst,gbps",
            SRC + "," + DST + ",1",
            SRC + "," + R1 + ",5",
            R1 + "," + DST + ",5",
            R1 + "," + R2 + ",5",
            R2 + "," + DST + ",5",
            ""));
    own = RegionData.fromDirectory(tmp);
  }

  static StoreLocation at(String uri, String region) {
    return new StoreLocation(StoreUri.parse(uri), StoreSettings.EMPTY, region);
  }

  static ReplicationSpec spec(List<Routing.Route> routes) {
    ReplicationSpec spec =
        new ReplicationSpec(
            at("file:///src", SRC),
            List.of(at("file:///dst", DST)),
            ReplicationSpec.DEFAULT_CHUNK_SIZE,
            DiffMode.AUTO,
            false,
            0,
            1,
            true);
    if (routes.isEmpty()) {
      return spec;
    }
    return spec.withRouting(
        new Routing(
            List.of(routes),
            Map.of(R1, at("file:///relay1", R1), R2, at("file:///relay2", R2)),
            "staging/"));
  }

  static double egress(ReplicationSummary s) {
    return s.destinations().get(0).egressUsd();
  }

  @Test
  void bytesArePricedWithTheRegionDataTheJobWasGiven() {
    ReplicationSummary s =
        ReplicationSummary.of(
            spec(List.of()),
            Map.of("copied/0", 3L, "copied-bytes/0", 4_000_000_000L),
            1,
            false,
            0,
            List.of(),
            own);
    assertEquals(4 * 0.5, egress(s), 1e-9);
  }

  @Test
  void relayedBytesPayEveryHopTheyTook() {
    ReplicationSummary s =
        ReplicationSummary.of(
            spec(List.of(Routing.DIRECT, new Routing.Route(List.of(R1), 1))),
            Map.of(
                "copied/0",
                30L,
                "copied-bytes/0",
                10_000_000_000L,
                "path-bytes/0/" + R1,
                6_000_000_000L,
                "path-bytes/0/" + R1 + "+" + R2,
                1_000_000_000L),
            1,
            false,
            0,
            List.of(),
            own);
    // 3 GB direct, 6 GB source > R1 > destination, 1 GB source > R1 > R2 > destination
    assertEquals(3 * 0.5 + 6 * (0.02 + 0.03) + 1 * (0.02 + 0.07 + 0.11), egress(s), 1e-9);
  }

  @Test
  void aDryRunPricesTheBytesToCopyInThePlannedShares() {
    ReplicationSummary s =
        ReplicationSummary.of(
            spec(List.of(new Routing.Route(List.of(), 1), new Routing.Route(List.of(R1), 3))),
            Map.of("copied/0", 8L, "copied-bytes/0", 8_000_000_000L),
            1,
            true,
            0,
            List.of(),
            own);
    assertEquals(2 * 0.5 + 6 * (0.02 + 0.03), egress(s), 1e-9);
  }

  @Test
  void storesWithoutAPricedRegionReportNoCost() {
    ReplicationSpec spec =
        new ReplicationSpec(
            at("file:///src", SRC),
            List.of(at("file:///dst", "aws:nowhere-1")),
            ReplicationSpec.DEFAULT_CHUNK_SIZE,
            DiffMode.AUTO,
            false,
            0,
            1,
            true);
    ReplicationSummary s =
        ReplicationSummary.of(
            spec, Map.of("copied-bytes/0", 5L), 1, false, 0, List.of(), RegionData.bundled());
    assertNull(s.destinations().get(0).egressUsd());
  }
}
