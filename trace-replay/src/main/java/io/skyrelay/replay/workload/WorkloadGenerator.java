package io.skyrelay.replay.workload;

import io.skyrelay.replay.trace.Op;
import io.skyrelay.replay.trace.RequestBatch;
import java.util.Arrays;

/**
 * Gives each request of a single-region trace an issuing region. Every choice is a pure function of
 * the seed, the object key's hash and the request's line number, so the same seed gives the same
 * workload, in any order and on any number of workers.
 *
 * <p>An object whose first request in the trace reads it (it was written before the trace began)
 * gets a PUT from its write region just before that read, with the size the read reports, so that
 * every replay knows where the object lives. That is the one piece of state: which objects were
 * seen, one bit per object.
 */
public final class WorkloadGenerator {

  private static final long SALT_PUT = 0x5a17_0001L;
  private static final long SALT_GET = 0x5a17_0002L;
  private static final long SALT_ONE_GET = 0x5a17_0003L;
  private static final long SALT_MIX = 0x5a17_0004L;
  private static final long SALT_REQUEST = 0x5a17_0005L;

  private final WorkloadType type;
  private final long seed;
  private final int regions;
  private final int oneGetRegion;
  private long[] seen = new long[1024];

  public WorkloadGenerator(WorkloadType type, long seed, int regions) {
    if (regions < 1 || regions > 64) {
      throw new IllegalArgumentException("between 1 and 64 regions, not " + regions);
    }
    this.type = type;
    this.seed = seed;
    this.regions = regions;
    this.oneGetRegion = pick(mix(seed ^ SALT_ONE_GET));
  }

  /** splitmix64's finaliser. */
  static long mix(long z) {
    z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
    z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
    return z ^ (z >>> 31);
  }

  private int pick(long h) {
    return (int) Long.remainderUnsigned(h, regions);
  }

  private int perObject(long keyHash, long salt) {
    return pick(mix(mix(seed ^ salt) ^ keyHash));
  }

  private int perRequest(long seq, long keyHash) {
    return pick(mix(mix(seed ^ SALT_REQUEST) ^ mix(seq) ^ keyHash));
  }

  /** The type an object follows: {@link #type}, or for E one of A to D per object. */
  private WorkloadType typeOf(long keyHash) {
    if (type != WorkloadType.E) {
      return type;
    }
    return WorkloadType.values()[(int) Long.remainderUnsigned(mix(seed ^ SALT_MIX ^ keyHash), 4)];
  }

  /** The region issuing a request. */
  public int region(int op, long seq, long keyHash) {
    boolean write = op == Op.PUT || op == Op.DELETE || op == Op.PART;
    return switch (typeOf(keyHash)) {
      case A -> perRequest(seq, keyHash);
      case B -> write ? perObject(keyHash, SALT_PUT) : perObject(keyHash, SALT_GET);
      case C -> write ? perRequest(seq, keyHash) : oneGetRegion;
      case D -> write ? perObject(keyHash, SALT_PUT) : perRequest(seq, keyHash);
      case E -> throw new AssertionError();
    };
  }

  /** The region of the PUT added for an object first seen by a read at {@code seq}. */
  public int writeRegionBeforeTrace(long seq, long keyHash) {
    return switch (typeOf(keyHash)) {
      case B, D -> perObject(keyHash, SALT_PUT);
      default -> perObject(keyHash, SALT_PUT ^ seq);
    };
  }

  /** Whether the object was seen before; marks it seen. */
  private boolean seenBefore(int object) {
    int word = object >>> 6;
    if (word >= seen.length) {
      seen = Arrays.copyOf(seen, Math.max(seen.length * 2, word + 1));
    }
    long bit = 1L << object;
    boolean was = (seen[word] & bit) != 0;
    seen[word] |= bit;
    return was;
  }

  /**
   * Writes the regions of {@code in}'s rows into {@code out} (cleared first), adding a PUT before
   * the first read of an object not written in the trace. {@code out} needs twice {@code in}'s
   * capacity.
   */
  public void assign(RequestBatch in, RequestBatch out) {
    out.clear();
    for (int i = 0; i < in.size(); i++) {
      int op = in.op[i];
      int obj = in.object[i];
      long h = in.keyHash[i];
      long seq = in.seq[i];
      if (!seenBefore(obj) && (op == Op.GET || op == Op.HEAD)) {
        out.add(seq, in.timestampMs[i], Op.PUT, writeRegionBeforeTrace(seq, h), obj, h, in.size[i]);
      }
      out.add(seq, in.timestampMs[i], op, region(op, seq, h), obj, h, in.size[i]);
    }
  }
}
