package io.skyrelay.pipelines;

import io.skyrelay.pipelines.common.ExitStatus;
import java.util.Arrays;

/**
 * The main class for a job jar that Flink runs itself (a {@code FlinkSessionJob} of the Flink
 * Kubernetes Operator, {@code flink run}, or the web UI's submit): the {@code skyrelay} command
 * line, which must then not end the process. {@code System.exit} inside Flink's JobManager would
 * stop the JobManager; a failure is thrown instead.
 */
public final class ClusterEntryPoint {

  private ClusterEntryPoint() {}

  public static void main(String[] args) {
    int status = SkyrelayCli.commandLine().execute(args);
    if (status != ExitStatus.OK) {
      throw new IllegalStateException(
          "skyrelay " + Arrays.toString(args) + " ended with exit status " + status);
    }
  }
}
