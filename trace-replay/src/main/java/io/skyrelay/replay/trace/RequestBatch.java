package io.skyrelay.replay.trace;

/**
 * A block of requests in columns, reused from block to block so that replaying allocates nothing
 * per request. Row {@code i < size()} is one request.
 */
public final class RequestBatch {

  /** Line number of the request in its trace (1-based), or its position in a generated stream. */
  public final long[] seq;

  public final long[] timestampMs;
  public final byte[] op;

  /** Index of the issuing region, or -1 when the trace does not say (IBM traces). */
  public final byte[] region;

  /** The object's id, interned to a dense int. */
  public final int[] object;

  /** A stable 64-bit hash of the object's key ({@link KeyInterner#hash}). */
  public final long[] keyHash;

  /** Bytes: the object's size (writes, and reads when the trace gives it). */
  public final long[] size;

  private int size0;

  public RequestBatch(int capacity) {
    seq = new long[capacity];
    timestampMs = new long[capacity];
    op = new byte[capacity];
    region = new byte[capacity];
    object = new int[capacity];
    keyHash = new long[capacity];
    size = new long[capacity];
  }

  public int capacity() {
    return seq.length;
  }

  public int size() {
    return size0;
  }

  public boolean full() {
    return size0 == seq.length;
  }

  public void clear() {
    size0 = 0;
  }

  /** Appends a row and returns its index. */
  public int add(long seq, long ts, int op, int region, int object, long keyHash, long size) {
    int i = size0++;
    this.seq[i] = seq;
    this.timestampMs[i] = ts;
    this.op[i] = (byte) op;
    this.region[i] = (byte) region;
    this.object[i] = object;
    this.keyHash[i] = keyHash;
    this.size[i] = size;
    return i;
  }
}
