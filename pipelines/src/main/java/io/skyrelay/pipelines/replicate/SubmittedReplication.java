package io.skyrelay.pipelines.replicate;

import io.skyrelay.pipelines.common.RunnerOptions;
import io.skyrelay.transforms.replicate.ReplicationSpec;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;

/**
 * A replication prepared by the command line (stores resolved, filters, routes and keys read from
 * the user's files) and handed to a Flink cluster's JobManager, which builds the pipeline and
 * submits it ({@code POST /jars/:id/run} with this class as the entry class and the encoded job as
 * its one argument). The command line then follows the job through the REST API.
 */
public record SubmittedReplication(
    ReplicationSpec spec,
    String manifestIn,
    String manifestOut,
    String outputDir,
    boolean dryRun,
    int parallelism)
    implements Serializable {

  static SubmittedReplication of(ReplicationSpec spec, ReplicateJob.Io io, int parallelism) {
    return new SubmittedReplication(
        spec,
        io.manifestIn(),
        io.manifestOut(),
        io.outputDir().toAbsolutePath().toString(),
        io.dryRun(),
        parallelism);
  }

  ReplicateJob.Io io() {
    return new ReplicateJob.Io(manifestIn, manifestOut, Path.of(outputDir), dryRun, Duration.ZERO);
  }

  /** The job as one program argument. */
  String encode() {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    try (ObjectOutputStream o = new ObjectOutputStream(b)) {
      o.writeObject(this);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot serialize the replication", e);
    }
    return Base64.getEncoder().encodeToString(b.toByteArray());
  }

  static SubmittedReplication decode(String encoded) {
    try (ObjectInputStream in =
        new ObjectInputStream(new ByteArrayInputStream(Base64.getDecoder().decode(encoded))) {
          @Override
          protected Class<?> resolveClass(java.io.ObjectStreamClass desc)
              throws IOException, ClassNotFoundException {
            // The job jar's classes: Flink runs this main with the jar's class loader as the
            // thread's context class loader.
            try {
              return Class.forName(
                  desc.getName(), false, Thread.currentThread().getContextClassLoader());
            } catch (ClassNotFoundException e) {
              return super.resolveClass(desc);
            }
          }
        }) {
      return (SubmittedReplication) in.readObject();
    } catch (IOException | ClassNotFoundException e) {
      throw new IllegalArgumentException("cannot read the replication handed to the cluster", e);
    }
  }

  /** Runs in the JobManager: builds the replication's pipeline and submits it, without waiting. */
  public static void main(String[] args) {
    if (args.length != 1) {
      throw new IllegalArgumentException("expected one argument, the encoded replication");
    }
    SubmittedReplication r = decode(args[0]);
    ReplicateJob.submitPrepared(r.spec(), RunnerOptions.insideCluster(r.parallelism()), r.io());
  }
}
