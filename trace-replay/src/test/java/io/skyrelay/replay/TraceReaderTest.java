package io.skyrelay.replay;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.skyrelay.replay.trace.KeyInterner;
import io.skyrelay.replay.trace.MalformedTraceException;
import io.skyrelay.replay.trace.Op;
import io.skyrelay.replay.trace.ParseReport;
import io.skyrelay.replay.trace.RequestBatch;
import io.skyrelay.replay.trace.TraceReader;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;

class TraceReaderTest {

  static final List<String> REGIONS = List.of("aws:us-east-1", "azure:westeurope");

  static byte[] sample() throws IOException {
    try (InputStream in = TraceReaderTest.class.getResourceAsStream("/sample-ibm-trace.txt")) {
      return in.readAllBytes();
    }
  }

  /** Every row as "seq ts op region key size". */
  static List<String> rows(byte[] trace, boolean strict, ParseReport[] report) {
    KeyInterner keys = new KeyInterner();
    List<String> rows = new ArrayList<>();
    RequestBatch b = new RequestBatch(7); // small, to cross batch boundaries
    try (TraceReader r =
        new TraceReader(new ByteArrayInputStream(trace), "test", keys, REGIONS, strict)) {
      while (r.next(b)) {
        for (int i = 0; i < b.size(); i++) {
          rows.add(
              b.seq[i]
                  + " "
                  + b.timestampMs[i]
                  + " "
                  + Op.name(b.op[i])
                  + " "
                  + b.region[i]
                  + " "
                  + keys.key(b.object[i])
                  + " "
                  + b.size[i]);
        }
      }
      if (report != null) {
        report[0] = r.report();
      }
    }
    return rows;
  }

  @Test
  void parsesIbmLinesAndCountsMalformedOnesWithLineNumbers() throws IOException {
    ParseReport[] report = new ParseReport[1];
    List<String> rows = rows(sample(), false, report);
    ParseReport p = report[0];
    assertEquals(406, p.lines());
    assertEquals(6, p.malformed());
    assertEquals(11, p.ignored(), "REST.GET.BUCKET lines");
    assertEquals(389, p.requests());
    assertEquals(389, rows.size());
    assertArrayEquals(
        new long[] {17, 58, 133, 201, 277, 350},
        p.examples().stream().mapToLong(ParseReport.Malformed::line).toArray());
    assertTrue(p.examples().get(0).reason().contains("expected"), p.examples().get(0).reason());
    // Ranged GETs keep the object's size; COPY counts as a write, PUT.PART as a part.
    assertTrue(rows.stream().allMatch(r -> r.split(" ")[3].equals("-1")));
    assertTrue(rows.stream().anyMatch(r -> r.contains(" PART ")));
  }

  @Test
  void parsesTheExampleOfTheFormat() {
    byte[] line = "1232488 REST.GET.OBJECT 95d363d3fbdc0b03 1168 0 1167\n".getBytes();
    assertEquals(List.of("1 1232488 GET -1 95d363d3fbdc0b03 1168"), rows(line, true, null));
  }

  @Test
  void strictModeFailsOnTheFirstMalformedLine() throws IOException {
    MalformedTraceException e =
        assertThrows(MalformedTraceException.class, () -> rows(sample(), true, null));
    assertEquals(17, e.line());
    assertTrue(e.getMessage().startsWith("test:17: "), e.getMessage());
  }

  @Test
  void readsGzipLikePlain() throws IOException {
    ByteArrayOutputStream gz = new ByteArrayOutputStream();
    try (GZIPOutputStream out = new GZIPOutputStream(gz)) {
      out.write(sample());
    }
    assertEquals(rows(sample(), false, null), rows(gz.toByteArray(), false, null));
  }

  @Test
  void readsTheWorkloadCsvAndRejectsUnknownRegions() {
    String csv =
        TraceReader.CSV_HEADER
            + "\n10,PUT,aws:us-east-1,k1,100\r\n"
            + "20,GET,azure:westeurope,k1,100\n"
            + "\n"
            + "30,GET,gcp:nowhere,k1,100\n"
            + "40,LIST,aws:us-east-1,k1,100\n"
            + "50,DELETE,aws:us-east-1,k1,0";
    ParseReport[] report = new ParseReport[1];
    List<String> rows = rows(csv.getBytes(StandardCharsets.UTF_8), false, report);
    assertEquals(List.of("2 10 PUT 0 k1 100", "3 20 GET 1 k1 100", "7 50 DELETE 0 k1 0"), rows);
    assertEquals(2, report[0].malformed());
    assertEquals(5, report[0].examples().get(0).line());
  }

  @Test
  void readsTracesLargerThanItsBuffer() {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < 200_000; i++) {
      sb.append(1000 + i).append(" REST.GET.OBJECT key").append(i % 1000).append(" 10\n");
    }
    List<String> rows = rows(sb.toString().getBytes(StandardCharsets.UTF_8), true, null);
    assertEquals(200_000, rows.size());
    assertEquals("200000 200999 GET -1 key999 10", rows.get(199_999));
  }
}
