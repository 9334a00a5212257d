package io.skyrelay.replay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.skyrelay.replay.trace.ParseReport;
import io.skyrelay.replay.workload.WorkloadType;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WorkloadTest {

  static final List<String> REGIONS =
      List.of("aws:us-east-1", "azure:westeurope", "gcp:us-central1-a");

  @TempDir Path dir;

  Path sample() throws IOException {
    Path p = dir.resolve("trace.txt");
    Files.write(p, TraceReaderTest.sample());
    return p;
  }

  List<String> workload(WorkloadType type, long seed) throws IOException {
    Path out = dir.resolve("w-" + type + "-" + seed + ".csv");
    ParseReport report = TraceReplay.workload(sample(), REGIONS, type, seed, false, out);
    assertEquals(6, report.malformed());
    return Files.readAllLines(out);
  }

  @Test
  void sameSeedSameWorkloadOtherSeedAnother() throws IOException {
    for (WorkloadType t : WorkloadType.values()) {
      assertEquals(workload(t, 7), workload(t, 7), t.toString());
    }
    assertNotEquals(workload(WorkloadType.A, 7), workload(WorkloadType.A, 8));
  }

  @Test
  void typesFollowTheirRules() throws IOException {
    Map<String, Set<String>> putRegions = new HashMap<>();
    Map<String, Set<String>> getRegions = new HashMap<>();
    Set<String> allGetRegionsC = new HashSet<>();
    for (String row : workload(WorkloadType.B, 3).subList(1, 300)) {
      String[] f = row.split(",");
      (f[1].equals("GET") || f[1].equals("HEAD") ? getRegions : putRegions)
          .computeIfAbsent(f[3], k -> new HashSet<>())
          .add(f[2]);
    }
    assertTrue(putRegions.values().stream().allMatch(s -> s.size() == 1), "B: one PUT region");
    assertTrue(getRegions.values().stream().allMatch(s -> s.size() == 1), "B: one GET region");
    Set<String> putRegionsC = new HashSet<>();
    for (String row : workload(WorkloadType.C, 3).subList(1, 300)) {
      String[] f = row.split(",");
      (f[1].equals("GET") ? allGetRegionsC : putRegionsC).add(f[2]);
    }
    assertEquals(1, allGetRegionsC.size(), "C: GETs from one region");
    assertEquals(3, putRegionsC.size(), "C: PUTs from everywhere");
    Set<String> regionsA = new HashSet<>();
    for (String row : workload(WorkloadType.A, 3).subList(1, 300)) {
      regionsA.add(row.split(",")[2]);
    }
    assertEquals(Set.copyOf(REGIONS), regionsA);
  }

  @Test
  void objectsFirstReadGetAPutBefore() throws IOException {
    List<String> rows = workload(WorkloadType.D, 1);
    Set<String> seen = new HashSet<>();
    for (String row : rows.subList(1, rows.size())) {
      String[] f = row.split(",");
      if (seen.add(f[3])) {
        assertTrue(f[1].equals("PUT") || f[1].equals("DELETE") || f[1].equals("PART"), row);
      }
    }
  }

  @Test
  void workloadCsvIsAcceptedAsInputAndReplaysTheSame() throws IOException {
    Path csv = dir.resolve("w.csv");
    TraceReplay.workload(sample(), REGIONS, WorkloadType.E, 11, false, csv);
    // The CSV read back and written again is the same file.
    Path again = dir.resolve("again.csv");
    ParseReport report = TraceReplay.workload(csv, REGIONS, WorkloadType.A, 0, true, again);
    assertEquals(0, report.malformed());
    assertEquals(Files.readAllLines(csv), Files.readAllLines(again));
    assertEquals(REGIONS.size(), io.skyrelay.replay.trace.TraceReader.regionsOf(csv).size());
  }
}
