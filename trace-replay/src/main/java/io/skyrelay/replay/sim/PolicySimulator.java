package io.skyrelay.replay.sim;

import io.skyrelay.replay.trace.Op;
import io.skyrelay.replay.trace.RequestBatch;
import io.skyrelay.transforms.placement.AdaptiveTtl;
import io.skyrelay.transforms.placement.CostModel;
import io.skyrelay.transforms.placement.Policy;
import java.util.Arrays;

/**
 * Runs one online policy over a workload, with the decisions of {@link Policy} and {@link
 * CostModel} (the ones the S3 gateway makes live). State lives in flat primitive arrays indexed by
 * object, or by slot {@code object * regions + region}, so a request costs no allocation.
 *
 * <p>The rules, common to all policies:
 *
 * <ul>
 *   <li>A PUT starts a new version of the object: replicas of the old one are dropped (their
 *       storage charged up to then). The written copy (the home replica) is kept until the next
 *       write or a delete, in the writer's region, or for {@code single} in the fixed region (the
 *       upload then pays egress from the writer's region). Push policies copy it to their regions
 *       at once (a GET at home, egress, a PUT at the destination).
 *   <li>A GET in a region holding a live replica is a hit: a GET request there, local latency. A
 *       TTL replica's clock restarts at every hit.
 *   <li>Any other GET of an existing object is served by the holder that is cheapest to read from
 *       (GET price plus egress, then latency: {@link CostModel#servingRegion}): a GET there,
 *       egress, RTT plus transfer time. Pull policies then keep a copy (a PUT in the reader's
 *       region) under their eviction rule.
 *   <li>HEAD is a GET request in the issuing region; DELETE is free; a multipart PART is a PUT
 *       request where the object will live; GET of a missing object is a GET request, counted as
 *       not found.
 *   <li>A request earlier than the previous request of its object counts as simultaneous with it.
 * </ul>
 */
final class PolicySimulator implements Simulator {

  private static final long FOREVER = Policy.FOREVER;
  private static final long NOT_HELD = -1;
  private static final byte PINNED = -1;

  private final Policy policy;
  private final CostModel m;
  private final int n;
  private final PolicyResult result;
  private final boolean storeOnMiss;
  private final AdaptiveTtl adaptive;
  private final boolean lru;

  // Per object.
  private byte[] home = new byte[0];
  private long[] versionSize = new long[0];
  private long[] lastTs = new long[0];

  // Per slot.
  private long[] since = new long[0];
  private long[] expiry = new long[0];
  private byte[] src = new byte[0];
  private long[] lastRead = new long[0];
  private int[] prev = new int[0];
  private int[] next = new int[0];

  // LRU lists per region: head is the most recent.
  private final int[] head;
  private final int[] tail;
  private final long[] used;
  private int objects;

  PolicySimulator(Policy policy, CostModel model, PolicyResult result) {
    this.policy = policy;
    this.m = model;
    this.n = model.regions();
    this.result = result;
    this.storeOnMiss = policy.keepsCopyOnMiss();
    this.adaptive = policy.kind() == Policy.Kind.ADAPTIVE_TTL ? new AdaptiveTtl(model) : null;
    this.lru = policy.kind() == Policy.Kind.LRU;
    this.head = new int[n];
    this.tail = new int[n];
    this.used = new long[n];
    Arrays.fill(head, -1);
    Arrays.fill(tail, -1);
  }

  @Override
  public PolicyResult result() {
    return result;
  }

  private void ensure(int obj) {
    if (obj < objects) {
      return;
    }
    int cap = home.length;
    if (obj >= cap) {
      int newCap = Math.max(obj + 1, Math.max(16, cap * 2));
      home = grow(home, newCap, (byte) -1);
      versionSize = Arrays.copyOf(versionSize, newCap);
      lastTs = grow(lastTs, newCap, Long.MIN_VALUE);
      int slots = newCap * n;
      since = Arrays.copyOf(since, slots);
      expiry = grow(expiry, slots, NOT_HELD);
      src = Arrays.copyOf(src, slots);
      if (adaptive != null) {
        lastRead = grow(lastRead, slots, -1);
      }
      if (lru) {
        prev = Arrays.copyOf(prev, slots);
        next = Arrays.copyOf(next, slots);
      }
    }
    objects = obj + 1;
  }

  private static byte[] grow(byte[] a, int len, byte fill) {
    int old = a.length;
    byte[] b = Arrays.copyOf(a, len);
    Arrays.fill(b, old, len, fill);
    return b;
  }

  private static long[] grow(long[] a, int len, long fill) {
    int old = a.length;
    long[] b = Arrays.copyOf(a, len);
    Arrays.fill(b, old, len, fill);
    return b;
  }

  @Override
  public void process(RequestBatch b) {
    for (int i = 0; i < b.size(); i++) {
      int obj = b.object[i];
      ensure(obj);
      long ts = Math.max(b.timestampMs[i], lastTs[obj]);
      lastTs[obj] = ts;
      int r = b.region[i];
      switch (b.op[i]) {
        case Op.PUT -> {
          endVersion(obj, ts);
          write(obj, r, ts, b.size[i]);
        }
        case Op.GET -> read(obj, r, ts);
        case Op.HEAD -> result.request(ts, m.getUsd(r));
        case Op.DELETE -> endVersion(obj, ts);
        case Op.PART -> part(r, ts, b.size[i]);
        default -> {}
      }
    }
  }

  private void part(int r, long ts, long size) {
    int to = policy.homeRegion(r);
    if (to != r) {
      result.network(ts, m.egressUsd(r, to, size));
      result.egressBytes += size;
    }
    result.request(ts, m.putUsd(to));
  }

  private void write(int obj, int w, long ts, long size) {
    int h = policy.homeRegion(w);
    home[obj] = (byte) h;
    versionSize[obj] = size;
    if (h != w) {
      result.network(ts, m.egressUsd(w, h, size));
      result.egressBytes += size;
    }
    result.request(ts, m.putUsd(h));
    hold(obj * n + h, ts, FOREVER, PINNED);
    if (policy.pushMask() != 0) {
      for (int r = 0; r < n; r++) {
        if (policy.pushesTo(r, h)) {
          result.request(ts, m.getUsd(h));
          result.network(ts, m.egressUsd(h, r, size));
          result.egressBytes += size;
          result.request(ts, m.putUsd(r));
          hold(obj * n + r, ts, FOREVER, PINNED);
        }
      }
    }
  }

  private void hold(int slot, long ts, long until, byte source) {
    since[slot] = ts;
    expiry[slot] = until;
    src[slot] = source;
  }

  /** Whether the slot holds a live replica at {@code ts}; drops it if it expired. */
  private boolean live(int slot, long ts) {
    long e = expiry[slot];
    if (e == NOT_HELD) {
      return false;
    }
    if (e < ts) {
      release(slot, e);
      return false;
    }
    return true;
  }

  private void release(int slot, long at) {
    int obj = slot / n;
    int r = slot - obj * n;
    long size = versionSize[obj];
    result.storage(since[slot], at, m.storagePerByteMs(r) * size);
    expiry[slot] = NOT_HELD;
    if (lru && src[slot] != PINNED) {
      unlink(slot, r);
      used[r] -= size;
    }
  }

  private void endVersion(int obj, long ts) {
    if (home[obj] < 0) {
      return;
    }
    int base = obj * n;
    for (int r = 0; r < n; r++) {
      int slot = base + r;
      long e = expiry[slot];
      if (e != NOT_HELD) {
        release(slot, Math.min(e, ts));
      }
      if (adaptive != null) {
        lastRead[slot] = -1;
      }
    }
    home[obj] = -1;
  }

  private void read(int obj, int r, long ts) {
    if (home[obj] < 0) {
      result.notFound++;
      result.request(ts, m.getUsd(r));
      return;
    }
    int slot = obj * n + r;
    long size = versionSize[obj];
    if (adaptive != null) {
      long last = lastRead[slot];
      if (last >= 0 && home[obj] != r) {
        int from = src[slot] == PINNED ? home[obj] : src[slot];
        adaptive.observe(from, r, ts - last);
      }
      lastRead[slot] = ts;
    }
    if (live(slot, ts)) {
      result.request(ts, m.getUsd(r));
      byte s = src[slot];
      if (s != PINNED) {
        if (lru) {
          unlink(slot, r);
          pushFront(slot, r);
        } else if (policy.refreshesOnHit()) {
          // The storage charged so far stays with the old clock; restart it.
          expiry[slot] = policy.deadline(ts, s, r, m, adaptive);
        }
      }
      result.read(true, m.readLatencyMs(r, r, size));
      return;
    }
    int base = obj * n;
    long holders = 0;
    for (int s = 0; s < n; s++) {
      if (s != r && live(base + s, ts)) {
        holders |= 1L << s;
      }
    }
    int best = m.servingRegion(holders, r, size);
    result.request(ts, m.getUsd(best));
    result.network(ts, m.egressUsd(best, r, size));
    result.egressBytes += size;
    result.read(false, m.readLatencyMs(best, r, size));
    if (!storeOnMiss || !policy.admits(size)) {
      return;
    }
    result.request(ts, m.putUsd(r));
    if (lru) {
      while (policy.exceedsCapacity(used[r] + size)) {
        release(tail[r], ts);
      }
      hold(slot, ts, FOREVER, (byte) best);
      pushFront(slot, r);
      used[r] += size;
    } else {
      hold(slot, ts, policy.deadline(ts, best, r, m, adaptive), (byte) best);
    }
  }

  private void pushFront(int slot, int r) {
    prev[slot] = -1;
    next[slot] = head[r];
    if (head[r] >= 0) {
      prev[head[r]] = slot;
    }
    head[r] = slot;
    if (tail[r] < 0) {
      tail[r] = slot;
    }
  }

  private void unlink(int slot, int r) {
    int p = prev[slot];
    int q = next[slot];
    if (p >= 0) {
      next[p] = q;
    } else {
      head[r] = q;
    }
    if (q >= 0) {
      prev[q] = p;
    } else {
      tail[r] = p;
    }
  }

  @Override
  public void finish(long endMs) {
    for (int obj = 0; obj < objects; obj++) {
      endVersion(obj, Math.max(endMs, lastTs[obj]));
    }
  }
}
