package io.skyrelay.connectors.s3;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.skyrelay.connectors.AccessDeniedException;
import io.skyrelay.connectors.ListRequest;
import io.skyrelay.connectors.ObjectNotFoundException;
import io.skyrelay.connectors.ObjectStore;
import io.skyrelay.connectors.ObjectStores;
import io.skyrelay.connectors.StoreSettings;
import io.skyrelay.connectors.s3.embedded.S3ProxyServer;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/** Errors from a real S3 endpoint become typed exceptions that say what to fix. */
class S3ErrorsTest {

  private static S3ProxyServer server;

  @BeforeAll
  static void start() throws Exception {
    server = S3ProxyServer.startInMemory();
    server.createBucket("errors");
  }

  @AfterAll
  static void stop() throws Exception {
    server.close();
  }

  @Test
  void wrongCredentialsAreReportedWithoutTheSecretInMessagesOrLogs() {
    String secret = "wrong-secret-" + Long.toHexString(System.nanoTime()) + "-Kq9";
    StoreSettings settings =
        StoreSettings.of(
            Map.of(
                "endpoint",
                server.endpoint().toString(),
                "region",
                "us-east-1",
                "access-key-id",
                S3ProxyServer.ACCESS_KEY,
                "secret-access-key",
                secret));
    Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    Logger sdk = (Logger) LoggerFactory.getLogger("software.amazon.awssdk");
    Level previous = sdk.getLevel();
    ListAppender<ILoggingEvent> captured = new ListAppender<>();
    captured.start();
    root.addAppender(captured);
    sdk.setLevel(Level.DEBUG);
    try (ObjectStore store = ObjectStores.open("s3://errors", settings)) {
      AccessDeniedException e =
          assertThrows(AccessDeniedException.class, () -> store.list(ListRequest.of("")));
      assertTrue(e.getMessage().contains("secret-access-key"), e.getMessage());
      StringWriter trace = new StringWriter();
      e.printStackTrace(new PrintWriter(trace));
      assertFalse(trace.toString().contains(secret), "secret in the stack trace");
    } finally {
      sdk.setLevel(previous);
      root.detachAppender(captured);
    }
    assertTrue(captured.list.size() > 0, "the SDK logged its requests at DEBUG");
    for (ILoggingEvent event : captured.list) {
      assertFalse(event.getFormattedMessage().contains(secret), event.getFormattedMessage());
    }
  }

  @Test
  void aMissingBucketSaysSo() {
    try (ObjectStore store = ObjectStores.open("s3://no-such-bucket", server.settings())) {
      ObjectNotFoundException e =
          assertThrows(ObjectNotFoundException.class, () -> store.list(ListRequest.of("")));
      assertTrue(e.getMessage().contains("bucket 'no-such-bucket' does not exist"), e.getMessage());
    }
  }

  @Test
  void anAccessKeyWithoutASecretIsRefusedUpFront() {
    var e =
        assertThrows(
            io.skyrelay.connectors.InvalidStoreUriException.class,
            () ->
                ObjectStores.open(
                    "s3://errors", StoreSettings.of(Map.of("access-key-id", "AKIAEXAMPLE"))));
    assertTrue(e.getMessage().contains("secret-access-key"), e.getMessage());
  }
}
