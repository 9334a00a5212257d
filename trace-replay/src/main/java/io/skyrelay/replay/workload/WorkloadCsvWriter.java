package io.skyrelay.replay.workload;

import io.skyrelay.replay.trace.KeyInterner;
import io.skyrelay.replay.trace.Op;
import io.skyrelay.replay.trace.RequestBatch;
import io.skyrelay.replay.trace.TraceReader;
import java.io.Closeable;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Writes a workload as CSV, {@code timestamp,op,issue_region,obj_key,size}, the format {@link
 * TraceReader} reads back.
 */
public final class WorkloadCsvWriter implements Closeable {

  private final OutputStream out;
  private final KeyInterner keys;
  private final byte[][] regionNames;
  private final byte[][] opNames = new byte[6][];
  private final byte[] buf = new byte[1 << 16];
  private int pos;
  private long rows;

  public WorkloadCsvWriter(OutputStream out, KeyInterner keys, List<String> regions) {
    this.out = out;
    this.keys = keys;
    this.regionNames = new byte[regions.size()][];
    for (int i = 0; i < regions.size(); i++) {
      regionNames[i] = regions.get(i).getBytes(StandardCharsets.UTF_8);
    }
    for (int i = 0; i < opNames.length; i++) {
      opNames[i] = Op.name(i).getBytes(StandardCharsets.US_ASCII);
    }
    bytes((TraceReader.CSV_HEADER + "\n").getBytes(StandardCharsets.US_ASCII));
  }

  public long rows() {
    return rows;
  }

  public void write(RequestBatch b) {
    for (int i = 0; i < b.size(); i++) {
      if (pos + 256 + keys.keyLength(b.object[i]) > buf.length) {
        flush();
      }
      number(b.timestampMs[i]);
      buf[pos++] = ',';
      bytes(opNames[b.op[i]]);
      buf[pos++] = ',';
      bytes(regionNames[b.region[i]]);
      buf[pos++] = ',';
      pos = keys.copyKey(b.object[i], buf, pos);
      buf[pos++] = ',';
      number(b.size[i]);
      buf[pos++] = '\n';
      rows++;
    }
  }

  private void bytes(byte[] b) {
    System.arraycopy(b, 0, buf, pos, b.length);
    pos += b.length;
  }

  private void number(long v) {
    if (v == 0) {
      buf[pos++] = '0';
      return;
    }
    int start = pos;
    while (v > 0) {
      buf[pos++] = (byte) ('0' + (v % 10));
      v /= 10;
    }
    for (int i = start, j = pos - 1; i < j; i++, j--) {
      byte t = buf[i];
      buf[i] = buf[j];
      buf[j] = t;
    }
  }

  private void flush() {
    try {
      out.write(buf, 0, pos);
      pos = 0;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public void close() {
    flush();
    try {
      out.close();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
