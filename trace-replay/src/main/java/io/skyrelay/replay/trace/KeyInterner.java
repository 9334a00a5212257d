package io.skyrelay.replay.trace;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Maps object keys (byte strings) to dense ints 0, 1, 2, ... without allocating per lookup: the
 * keys live in one growing byte arena and an open-addressing table points into it.
 */
public final class KeyInterner {

  private byte[] arena = new byte[1 << 16];
  private int arenaUsed;
  private int[] offsets = new int[1024];
  private int[] lengths = new int[1024];
  private long[] hashes = new long[1024];
  private int count;
  private int generalCount;

  /**
   * Open addressing; an entry packs the high half of the key's hash with id + 1 (0 is empty), so
   * most probes touch nothing but the table.
   */
  private long[] table = new long[2048];

  private int mask = table.length - 1;

  /**
   * Keys of exactly 16 lowercase hex digits (the IBM traces' object ids) also get a table keyed by
   * their value, pairs of (value, id + 1) side by side: one memory access a lookup.
   */
  private long[] hexTable = new long[2 * 2048];

  private int hexMask = 2048 - 1;
  private int hexCount;

  /** FNV-1a, 64 bits: stable across runs, machines and the Beam pipeline. */
  public static long hash(byte[] b, int off, int len) {
    long h = 0xcbf29ce484222325L;
    for (int i = off; i < off + len; i++) {
      h ^= b[i] & 0xff;
      h *= 0x100000001b3L;
    }
    return h;
  }

  public static long hash(String key) {
    byte[] b = key.getBytes(StandardCharsets.UTF_8);
    return hash(b, 0, b.length);
  }

  public int size() {
    return count;
  }

  /** The id of the key in {@code b[off, off+len)} whose {@link #hash} is {@code h}. */
  public int intern(byte[] b, int off, int len, long h) {
    if (isHex16(b, off, len)) {
      return internHex16(hex16(b, off), b, off, h);
    }
    int slot = (int) (h ^ (h >>> 29)) & mask;
    long high = h & 0xffffffff00000000L;
    while (true) {
      long e = table[slot];
      if (e == 0) {
        return insert(slot, b, off, len, h);
      }
      if ((e & 0xffffffff00000000L) == high) {
        int id = (int) e - 1;
        if (lengths[id] == len && equal(id, b, off, len)) {
          return id;
        }
      }
      slot = (slot + 1) & mask;
    }
  }

  /**
   * The id of a key of 16 lowercase hex digits whose value is {@code value} (the same id {@link
   * #intern(byte[], int, int, long)} gives it).
   */
  public int internHex16(long value, byte[] b, int off, long h) {
    int slot = (int) mixHex(value) & hexMask;
    while (true) {
      long id1 = hexTable[2 * slot + 1];
      if (id1 == 0) {
        int id = insert(-1, b, off, 16, h);
        hexTable[2 * slot] = value;
        hexTable[2 * slot + 1] = id + 1L;
        if (++hexCount * 2 > hexMask + 1) {
          rehashHex();
        }
        return id;
      }
      if (hexTable[2 * slot] == value) {
        return (int) id1 - 1;
      }
      slot = (slot + 1) & hexMask;
    }
  }

  private static long mixHex(long v) {
    v ^= v >>> 33;
    v *= 0xff51afd7ed558ccdL;
    return v ^ (v >>> 33);
  }

  private void rehashHex() {
    long[] old = hexTable;
    hexTable = new long[old.length * 2];
    hexMask = hexTable.length / 2 - 1;
    for (int i = 0; i < old.length; i += 2) {
      if (old[i + 1] != 0) {
        int slot = (int) mixHex(old[i]) & hexMask;
        while (hexTable[2 * slot + 1] != 0) {
          slot = (slot + 1) & hexMask;
        }
        hexTable[2 * slot] = old[i];
        hexTable[2 * slot + 1] = old[i + 1];
      }
    }
  }

  /** Whether {@code b[off, off+len)} is exactly 16 lowercase hex digits. */
  public static boolean isHex16(byte[] b, int off, int len) {
    if (len != 16) {
      return false;
    }
    for (int i = off; i < off + 16; i++) {
      int c = b[i];
      if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
        return false;
      }
    }
    return true;
  }

  /** The value of the 16 hex digits at {@code b[off]}. */
  public static long hex16(byte[] b, int off) {
    long v = 0;
    for (int i = off; i < off + 16; i++) {
      int c = b[i];
      v = (v << 4) | (c <= '9' ? c - '0' : c - 'a' + 10);
    }
    return v;
  }

  public int intern(String key) {
    byte[] b = key.getBytes(StandardCharsets.UTF_8);
    return intern(b, 0, b.length, hash(b, 0, b.length));
  }

  private boolean equal(int id, byte[] b, int off, int len) {
    return Arrays.equals(arena, offsets[id], offsets[id] + len, b, off, off + len);
  }

  private int insert(int slot, byte[] b, int off, int len, long h) {
    if (arenaUsed + len > arena.length) {
      arena = Arrays.copyOf(arena, Math.max(arena.length * 2, arenaUsed + len));
    }
    System.arraycopy(b, off, arena, arenaUsed, len);
    if (count == offsets.length) {
      offsets = Arrays.copyOf(offsets, count * 2);
      lengths = Arrays.copyOf(lengths, count * 2);
      hashes = Arrays.copyOf(hashes, count * 2);
    }
    int id = count++;
    offsets[id] = arenaUsed;
    lengths[id] = len;
    hashes[id] = h;
    arenaUsed += len;
    if (slot >= 0) {
      table[slot] = entry(h, id);
      if (++generalCount * 2 > table.length) {
        rehash();
      }
    }
    return id;
  }

  private void rehash() {
    table = new long[table.length * 2];
    mask = table.length - 1;
    for (int id = 0; id < count; id++) {
      if (lengths[id] == 16 && isHex16(arena, offsets[id], 16)) {
        continue; // in the hex table
      }
      long h = hashes[id];
      int slot = (int) (h ^ (h >>> 29)) & mask;
      while (table[slot] != 0) {
        slot = (slot + 1) & mask;
      }
      table[slot] = entry(h, id);
    }
  }

  private static long entry(long h, int id) {
    return (h & 0xffffffff00000000L) | (id + 1L);
  }

  /** The key of an id as text. */
  public String key(int id) {
    return new String(arena, offsets[id], lengths[id], StandardCharsets.UTF_8);
  }

  /** Copies the key's bytes into {@code out} at {@code pos}; returns the position after them. */
  public int copyKey(int id, byte[] out, int pos) {
    System.arraycopy(arena, offsets[id], out, pos, lengths[id]);
    return pos + lengths[id];
  }

  public int keyLength(int id) {
    return lengths[id];
  }
}
