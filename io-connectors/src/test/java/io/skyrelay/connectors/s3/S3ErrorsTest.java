package io.skyrelay.connectors.s3;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.sun.net.httpserver.HttpServer;
import io.skyrelay.connectors.AccessDeniedException;
import io.skyrelay.connectors.ListRequest;
import io.skyrelay.connectors.ObjectNotFoundException;
import io.skyrelay.connectors.ObjectStore;
import io.skyrelay.connectors.ObjectStores;
import io.skyrelay.connectors.PutOptions;
import io.skyrelay.connectors.StoreSettings;
import io.skyrelay.connectors.WriteResult;
import io.skyrelay.connectors.s3.embedded.S3ProxyServer;
import java.io.ByteArrayInputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
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

  @Test
  void wrongCredentialsOnSingleObjectRequestsSayWhatToFixWithoutTheSecret() {
    String secret = "wrong-secret-" + Long.toHexString(System.nanoTime()) + "-Zp4";
    StoreSettings settings =
        server.settings().with("secret-access-key", secret).with("direct-requests", "true");
    try (ObjectStore good = ObjectStores.open("s3://errors", server.settings());
        ObjectStore bad = ObjectStores.open("s3://errors", settings)) {
      assertTrue(((S3ObjectStore) bad).sendsDirectRequests());
      good.put("denied", new ByteArrayInputStream(new byte[10]), 10, PutOptions.DEFAULT);
      List<Executable> calls =
          List.of(
              () -> bad.head("denied"),
              () -> bad.open("denied", null, null).stream().close(),
              () ->
                  bad.put("denied2", new ByteArrayInputStream(new byte[3]), 3, PutOptions.DEFAULT),
              () -> bad.delete("denied"),
              () -> bad.serverSideCopy().get().copy(bad, "denied", "denied3", null, null));
      for (Executable call : calls) {
        AccessDeniedException e = assertThrows(AccessDeniedException.class, call);
        assertTrue(e.getMessage().contains("secret-access-key"), e.getMessage());
        assertTrue(e.getMessage().contains("s3://errors/denied"), e.getMessage());
        StringWriter trace = new StringWriter();
        e.printStackTrace(new PrintWriter(trace));
        assertFalse(trace.toString().contains(secret), "secret in the stack trace");
      }
      assertEquals(10, good.head("denied").size(), "the refused delete deleted");
    }
  }

  @Test
  void aReadFromAMissingBucketSaysSo() {
    try (ObjectStore store = ObjectStores.open("s3://no-such-bucket", server.settings())) {
      ObjectNotFoundException e =
          assertThrows(ObjectNotFoundException.class, () -> store.open("k", null, null));
      assertTrue(e.getMessage().contains("bucket 'no-such-bucket' does not exist"), e.getMessage());
    }
  }

  /**
   * S3 can accept a CopyObject with 200 and then report that it failed in the body. S3Proxy never
   * does, so a plain HTTP server plays the store: the first answer is such a failure, the second a
   * success. The copy is retried and reports the second answer's ETag.
   */
  @Test
  void aCopyThatFailsAfterItsOkIsRetriedNotTakenForDone() throws Exception {
    AtomicInteger copies = new AtomicInteger();
    List<String> copySources = new CopyOnWriteArrayList<>();
    HttpServer fake = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    fake.createContext(
        "/",
        exchange -> {
          copySources.add(exchange.getRequestHeaders().getFirst("x-amz-copy-source"));
          String body =
              copies.incrementAndGet() == 1
                  ? "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>InternalError</Code>"
                      + "<Message>We encountered an internal error. Please try again.</Message>"
                      + "<RequestId>R1</RequestId></Error>"
                  : "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<CopyObjectResult>"
                      + "<LastModified>2026-11-30T00:00:00.000Z</LastModified>"
                      + "<ETag>&quot;0123456789abcdef0123456789abcdef&quot;</ETag></CopyObjectResult>";
          byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
          exchange.sendResponseHeaders(200, bytes.length);
          exchange.getResponseBody().write(bytes);
          exchange.close();
        });
    fake.start();
    try (ObjectStore store =
        ObjectStores.open(
            "s3://fake",
            StoreSettings.of(
                Map.of(
                    "endpoint",
                    "http://127.0.0.1:" + fake.getAddress().getPort(),
                    "region",
                    "us-east-1",
                    "access-key-id",
                    "AKIAFAKE",
                    "secret-access-key",
                    "fake-secret")))) {
      WriteResult r = store.serverSideCopy().get().copy(store, "a b/c\u00e9", "dst", "e1", null);
      assertEquals("0123456789abcdef0123456789abcdef", r.etag());
      assertEquals(2, copies.get(), "the failure inside the 200 was not retried");
      assertEquals(List.of("fake/a%20b/c%C3%A9", "fake/a%20b/c%C3%A9"), copySources);
    } finally {
      fake.stop(0);
    }
  }
}
