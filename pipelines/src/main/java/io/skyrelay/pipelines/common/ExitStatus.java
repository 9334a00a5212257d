package io.skyrelay.pipelines.common;

/** The exit status of every {@code skyrelay} command. */
public final class ExitStatus {

  /** Every object was handled. */
  public static final int OK = 0;

  /** Some objects failed, or deletes were refused. */
  public static final int PARTIAL = 1;

  /** Bad arguments or configuration. */
  public static final int USAGE = 2;

  /** The job could not run. */
  public static final int JOB_FAILED = 3;

  private ExitStatus() {}
}
