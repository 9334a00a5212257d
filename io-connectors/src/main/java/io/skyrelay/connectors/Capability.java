package io.skyrelay.connectors;

import java.util.EnumSet;
import java.util.Set;

/**
 * Optional abilities of a connector, beyond the operations every {@link ObjectStore} has. They are
 * not declared: {@link #of} reads them off what the store implements ({@link
 * ObjectStore#multipart()}, {@link ObjectStore#serverSideCopy()}), so what a connector says it can
 * do and what its code does cannot disagree.
 *
 * <p>Conditional reads (If-Match) and creates (If-None-Match), batch deletes and MD5s of single
 * request writes are not capabilities: every connector has them, and the conformance suite checks
 * each one.
 */
public enum Capability {
  /** Objects can be assembled from parts uploaded independently and in any order. */
  MULTIPART_UPLOAD,
  /** A part can be filled server-side from a byte range of another object of the same store. */
  PART_COPY,
  /** Whole objects can be copied inside the store without the bytes passing through the client. */
  SERVER_SIDE_COPY;

  /** What {@code store} can do, as its implementation says. */
  public static Set<Capability> of(ObjectStore store) {
    Set<Capability> can = EnumSet.noneOf(Capability.class);
    store
        .multipart()
        .ifPresent(
            m -> {
              can.add(MULTIPART_UPLOAD);
              if (m.canCopyPartFrom(store)) {
                can.add(PART_COPY);
              }
            });
    store
        .serverSideCopy()
        .ifPresent(
            c -> {
              if (c.canCopyFrom(store)) {
                can.add(SERVER_SIDE_COPY);
              }
            });
    return can;
  }
}
