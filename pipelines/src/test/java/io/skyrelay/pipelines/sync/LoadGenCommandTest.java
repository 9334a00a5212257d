package io.skyrelay.pipelines.sync;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.skyrelay.pipelines.SkyrelayCli;
import io.skyrelay.pipelines.common.ExitStatus;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LoadGenCommandTest {

  @TempDir Path tmp;

  @Test
  void aMappingWhoseSourceIsNotS3IsRefusedWithWhatToDo() throws Exception {
    Path cfg = tmp.resolve("sync.yaml");
    Files.writeString(
        cfg,
        """
        kafka:
          bootstrap_servers: 127.0.0.1:9
        mappings:
          - name: blobs
            source: az://acct/container
            topic: blob-events
            replicas: [file:///tmp/blobs]
        """);
    StringWriter err = new StringWriter();
    var cl = SkyrelayCli.commandLine();
    cl.setErr(new PrintWriter(err));
    int status = cl.execute("loadgen", "--config", cfg.toString(), "--events", "10");
    assertEquals(ExitStatus.USAGE, status);
    assertTrue(err.toString().contains("needs a mapping whose source is s3://"), err.toString());
    assertTrue(err.toString().contains("--mapping NAME"), err.toString());
  }
}
