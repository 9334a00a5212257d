package io.skyrelay.replay.trace;

/** Request kinds the cost model distinguishes, as small integer codes so batches stay primitive. */
public final class Op {

  /** A whole-object write: PUT, COPY (the destination), or the completion of a multipart upload. */
  public static final byte PUT = 0;

  /** A read of the object's data (ranged reads included). */
  public static final byte GET = 1;

  /** A metadata read. */
  public static final byte HEAD = 2;

  public static final byte DELETE = 3;

  /** One request of a multipart upload that does not yet make the object visible. */
  public static final byte PART = 4;

  /** Any other operation (bucket listings and the like): counted, not replayed. */
  public static final byte OTHER = 5;

  private static final String[] NAMES = {"PUT", "GET", "HEAD", "DELETE", "PART", "OTHER"};

  private Op() {}

  public static String name(int op) {
    return NAMES[op];
  }

  /** The code of a workload CSV operation name, or -1. */
  public static int fromName(String name) {
    for (int i = 0; i < NAMES.length; i++) {
      if (NAMES[i].equals(name)) {
        return i;
      }
    }
    return -1;
  }

  /**
   * The code of an IBM trace operation such as {@code REST.GET.OBJECT}, or -1 when the token is not
   * an operation at all.
   */
  public static int fromIbm(String op) {
    if (!op.startsWith("REST.")) {
      return -1;
    }
    String u = op.substring(5);
    if (u.equals("GET.OBJECT")) {
      return GET;
    }
    if (u.equals("HEAD.OBJECT")) {
      return HEAD;
    }
    if (u.equals("DELETE.OBJECT")) {
      return DELETE;
    }
    if (u.equals("PUT.OBJECT") || u.equals("COPY.OBJECT") || u.contains("COMPLETE")) {
      return PUT;
    }
    if (u.contains("PART") || u.contains("UPLOAD") || u.contains("MULTIPART")) {
      return PART;
    }
    return OTHER;
  }
}
