package io.skyrelay.replay.trace;

import java.io.BufferedInputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.zip.GZIPInputStream;

/**
 * Streams a trace into {@link RequestBatch}es in constant memory (besides the interned keys),
 * tokenizing bytes by hand so that a request costs no allocation. Two formats, told apart by the
 * first line:
 *
 * <ul>
 *   <li>IBM Cloud Object Storage traces: {@code <timestamp_ms> <REST.OPERATION> <object_id> [size]
 *       [range_begin range_end]}, fields separated by spaces or tabs. These carry no region: rows
 *       get region -1 and a {@code WorkloadGenerator} assigns one.
 *   <li>Skyrelay workload CSV: a header {@code timestamp,op,issue_region,obj_key,size}, then one
 *       request a row, op one of PUT, GET, HEAD, DELETE, PART.
 * </ul>
 *
 * <p>Plain or gzip (recognised by its magic bytes). Malformed lines are counted with their line
 * numbers in the {@link ParseReport}; in strict mode the first one throws {@link
 * MalformedTraceException}.
 */
public final class TraceReader implements Closeable {

  /** The header of the workload CSV. */
  public static final String CSV_HEADER = "timestamp,op,issue_region,obj_key,size";

  private static final int MAX_LINE = 1 << 16;

  /** Trace formats. */
  public enum Format {
    IBM,
    CSV
  }

  private final InputStream in;
  private final String source;
  private final KeyInterner keys;
  private final boolean strict;
  private final byte[][] regionNames;
  private final ParseReport report = new ParseReport();
  private final byte[] buf = new byte[1 << 20];
  private int pos;
  private int lim;
  private boolean eof;
  private long lineNo;
  private Format format;

  private final int[] tokStart = new int[8];
  private final int[] tokEnd = new int[8];
  private byte[][] opTokens = new byte[16][];
  private int[] opCodes = new int[16];
  private int opCount;

  /**
   * @param in the trace, plain or gzip; closed with this reader
   * @param source a name for messages (the file name)
   * @param keys interns object keys
   * @param regions region labels, in index order; a CSV row naming another region is malformed
   * @param strict throw at the first malformed line
   */
  public TraceReader(
      InputStream in, String source, KeyInterner keys, List<String> regions, boolean strict) {
    this.in = decompress(in);
    this.source = source;
    this.keys = keys;
    this.strict = strict;
    this.regionNames = new byte[regions.size()][];
    for (int i = 0; i < regions.size(); i++) {
      regionNames[i] = regions.get(i).getBytes(StandardCharsets.UTF_8);
    }
  }

  public static TraceReader open(
      Path file, KeyInterner keys, List<String> regions, boolean strict) {
    try {
      return new TraceReader(Files.newInputStream(file), file.toString(), keys, regions, strict);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read trace " + file + ": " + e.getMessage(), e);
    }
  }

  /** Wraps a gzip stream in a decompressor; leaves anything else as it is. */
  public static InputStream decompress(InputStream raw) {
    try {
      BufferedInputStream b = new BufferedInputStream(raw, 1 << 16);
      b.mark(2);
      int m1 = b.read();
      int m2 = b.read();
      b.reset();
      if (m1 == 0x1f && m2 == 0x8b) {
        return new GZIPInputStream(b, 1 << 16);
      }
      return b;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * The regions a workload CSV names, in order of first appearance (empty for an IBM trace), read
   * in one streaming pass.
   */
  public static List<String> regionsOf(Path file) {
    Set<String> seen = new LinkedHashSet<>();
    try (var r =
        new java.io.BufferedReader(
            new java.io.InputStreamReader(
                decompress(Files.newInputStream(file)), StandardCharsets.UTF_8))) {
      String first = r.readLine();
      if (first == null || !first.trim().equals(CSV_HEADER)) {
        return List.of();
      }
      String line;
      while ((line = r.readLine()) != null) {
        String[] f = line.split(",", -1);
        if (f.length == 5 && !f[2].isEmpty()) {
          seen.add(f[2]);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read trace " + file + ": " + e.getMessage(), e);
    }
    return new ArrayList<>(seen);
  }

  public ParseReport report() {
    return report;
  }

  /** The format, known once the first line was read. */
  public Format format() {
    return format;
  }

  /**
   * Clears {@code batch} and fills it with the next requests.
   *
   * @return false when the trace is exhausted and the batch is empty
   */
  public boolean next(RequestBatch batch) {
    batch.clear();
    try {
      while (!batch.full()) {
        int start = nextLine();
        if (start < 0) {
          break;
        }
        int end = pos - 1; // the newline, or one past the last byte at the end of the input
        if (end > start && buf[end - 1] == '\r') {
          end--;
        }
        parseLine(batch, start, end);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read trace " + source + ": " + e.getMessage(), e);
    }
    return batch.size() > 0;
  }

  /** Advances {@code pos} past the next line; returns its start, or -1 at the end. */
  private int nextLine() throws IOException {
    int scan = pos;
    while (true) {
      for (int i = scan; i < lim; i++) {
        if (buf[i] == '\n') {
          int start = pos;
          pos = i + 1;
          lineNo++;
          return start;
        }
      }
      if (eof) {
        if (pos < lim) {
          int start = pos;
          buf[lim] = '\n';
          pos = lim + 1;
          lim = pos;
          lineNo++;
          return start;
        }
        return -1;
      }
      if (lim - pos >= MAX_LINE) {
        // An absurdly long line: report it and skip to its end.
        lineNo++;
        fail("line longer than " + MAX_LINE + " bytes", pos, pos + 200);
        skipRestOfLine();
        scan = pos;
        continue;
      }
      scan = lim - pos;
      System.arraycopy(buf, pos, buf, 0, lim - pos);
      lim -= pos;
      pos = 0;
      int n = in.read(buf, lim, buf.length - 1 - lim);
      if (n < 0) {
        eof = true;
      } else {
        lim += n;
      }
    }
  }

  private void skipRestOfLine() throws IOException {
    while (true) {
      for (int i = pos; i < lim; i++) {
        if (buf[i] == '\n') {
          pos = i + 1;
          return;
        }
      }
      pos = 0;
      lim = 0;
      int n = in.read(buf, 0, buf.length - 1);
      if (n < 0) {
        eof = true;
        return;
      }
      lim = n;
    }
  }

  private void parseLine(RequestBatch batch, int start, int end) {
    int tokens = tokenize(start, end);
    if (tokens == 0) {
      return;
    }
    if (format == null) {
      format = isCsvHeader(start, end) ? Format.CSV : Format.IBM;
      if (format == Format.CSV) {
        return;
      }
    }
    report.lines++;
    if (format == Format.CSV) {
      parseCsv(batch, start, end);
    } else {
      parseIbm(batch, tokens, start, end);
    }
  }

  private boolean isCsvHeader(int start, int end) {
    byte[] h = CSV_HEADER.getBytes(StandardCharsets.US_ASCII);
    int s = start;
    int e = end;
    while (s < e && buf[s] <= ' ') {
      s++;
    }
    while (e > s && buf[e - 1] <= ' ') {
      e--;
    }
    return Arrays.equals(buf, s, e, h, 0, h.length);
  }

  /** Splits on spaces and tabs; returns the number of tokens, or 7 for "too many". */
  private int tokenize(int start, int end) {
    int n = 0;
    int i = start;
    while (i < end) {
      while (i < end && (buf[i] == ' ' || buf[i] == '\t')) {
        i++;
      }
      if (i == end) {
        break;
      }
      if (n == 7) {
        return 7;
      }
      tokStart[n] = i;
      while (i < end && buf[i] != ' ' && buf[i] != '\t') {
        i++;
      }
      tokEnd[n] = i;
      n++;
    }
    return n;
  }

  private void parseIbm(RequestBatch batch, int tokens, int start, int end) {
    if (tokens < 3) {
      fail("expected <timestamp_ms> <REST.OPERATION> <object_id> [size] [begin end]", start, end);
      return;
    }
    if (tokens == 5 || tokens > 6) {
      fail("expected 3, 4 or 6 fields, found " + (tokens > 6 ? "more than 6" : tokens), start, end);
      return;
    }
    long ts = number(tokStart[0], tokEnd[0]);
    if (ts < 0) {
      fail("timestamp is not a number of milliseconds", start, end);
      return;
    }
    int op = ibmOp(tokStart[1], tokEnd[1]);
    if (op < 0) {
      fail("operation does not start with REST.", start, end);
      return;
    }
    long size = 0;
    if (tokens >= 4) {
      size = number(tokStart[3], tokEnd[3]);
      if (size < 0) {
        fail("size is not a number of bytes", start, end);
        return;
      }
    }
    if (tokens == 6) {
      long b = number(tokStart[4], tokEnd[4]);
      long e = number(tokStart[5], tokEnd[5]);
      if (b < 0 || e < b) {
        fail("range is not two ascending byte offsets", start, end);
        return;
      }
    }
    if (op == Op.OTHER) {
      report.ignored++;
      return;
    }
    int ks = tokStart[2];
    int kl = tokEnd[2] - ks;
    long h = KeyInterner.hash(buf, ks, kl);
    int id = keys.intern(buf, ks, kl, h);
    batch.add(lineNo, ts, op, -1, id, h, size);
    report.requests++;
  }

  private void parseCsv(RequestBatch batch, int start, int end) {
    int n = 0;
    int s = start;
    for (int i = start; i <= end; i++) {
      if (i == end || buf[i] == ',') {
        if (n == 5) {
          fail("expected 5 fields: " + CSV_HEADER, start, end);
          return;
        }
        tokStart[n] = s;
        tokEnd[n] = i;
        n++;
        s = i + 1;
      }
    }
    if (n != 5) {
      fail("expected 5 fields: " + CSV_HEADER, start, end);
      return;
    }
    long ts = number(tokStart[0], tokEnd[0]);
    if (ts < 0) {
      fail("timestamp is not a number of milliseconds", start, end);
      return;
    }
    int op = csvOp(tokStart[1], tokEnd[1]);
    if (op < 0 || op == Op.OTHER) {
      fail("op must be PUT, GET, HEAD, DELETE or PART", start, end);
      return;
    }
    int region = -1;
    for (int r = 0; r < regionNames.length; r++) {
      byte[] name = regionNames[r];
      if (Arrays.equals(buf, tokStart[2], tokEnd[2], name, 0, name.length)) {
        region = r;
        break;
      }
    }
    if (region < 0) {
      fail("issue_region is not one of the replayed regions", start, end);
      return;
    }
    int ks = tokStart[3];
    int kl = tokEnd[3] - ks;
    if (kl == 0) {
      fail("obj_key is empty", start, end);
      return;
    }
    long size = number(tokStart[4], tokEnd[4]);
    if (size < 0) {
      fail("size is not a number of bytes", start, end);
      return;
    }
    long h = KeyInterner.hash(buf, ks, kl);
    int id = keys.intern(buf, ks, kl, h);
    batch.add(lineNo, ts, op, region, id, h, size);
    report.requests++;
  }

  /** A non-negative decimal number, or -1. */
  private long number(int s, int e) {
    if (s >= e || e - s > 18) {
      return -1;
    }
    long v = 0;
    for (int i = s; i < e; i++) {
      int d = buf[i] - '0';
      if (d < 0 || d > 9) {
        return -1;
      }
      v = v * 10 + d;
    }
    return v;
  }

  private int ibmOp(int s, int e) {
    int cached = cachedOp(s, e);
    if (cached != Integer.MIN_VALUE) {
      return cached;
    }
    int code = Op.fromIbm(new String(buf, s, e - s, StandardCharsets.US_ASCII));
    return cacheOp(s, e, code);
  }

  private int csvOp(int s, int e) {
    int cached = cachedOp(s, e);
    if (cached != Integer.MIN_VALUE) {
      return cached;
    }
    int code = Op.fromName(new String(buf, s, e - s, StandardCharsets.US_ASCII));
    return cacheOp(s, e, code);
  }

  private int cachedOp(int s, int e) {
    for (int i = 0; i < opCount; i++) {
      byte[] t = opTokens[i];
      if (Arrays.equals(buf, s, e, t, 0, t.length)) {
        return opCodes[i];
      }
    }
    return Integer.MIN_VALUE;
  }

  private int cacheOp(int s, int e, int code) {
    if (opCount < 256) {
      if (opCount == opTokens.length) {
        opTokens = Arrays.copyOf(opTokens, opCount * 2);
        opCodes = Arrays.copyOf(opCodes, opCount * 2);
      }
      opTokens[opCount] = Arrays.copyOfRange(buf, s, e);
      opCodes[opCount] = code;
      opCount++;
    }
    return code;
  }

  private void fail(String reason, int start, int end) {
    String text =
        new String(buf, start, Math.min(end, start + 200) - start, StandardCharsets.UTF_8);
    if (strict) {
      throw new MalformedTraceException(source, lineNo, reason, text);
    }
    report.malformed(lineNo, reason, text);
  }

  @Override
  public void close() {
    try {
      in.close();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
