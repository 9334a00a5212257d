package io.skyrelay.gateway.clients;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * What the gateway refuses, through boto3 and plain HTTP: presigned URLs past their time or not
 * signed with the key's secret, wrong secrets and unknown keys, keys that could lead out of a
 * {@code file://} region's folder, bodies over the size limit; and the secret is never in a log
 * line or an error body.
 */
class GatewaySecurityTest {

  @TempDir static Path dir;
  private static ClientGateway gw;
  private static Boto3Script boto3;
  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
  private static final ObjectMapper JSON = new ObjectMapper();

  /** Every log line of the gateway and S3Proxy while this class runs, at DEBUG and above. */
  private static final ListAppender<ILoggingEvent> LOG = new ListAppender<>();

  private static final List<String> BODIES = new ArrayList<>();

  @BeforeAll
  static void start() throws Exception {
    LOG.start();
    Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    root.addAppender(LOG);
    for (String name : List.of("io.skyrelay", "org.gaul")) {
      ((Logger) LoggerFactory.getLogger(name)).setLevel(Level.DEBUG);
    }
    gw = ClientGateway.start(dir.resolve("gateway"));
    boto3 = new Boto3Script(gw, dir.resolve("python-home"));
  }

  @AfterAll
  static void stop() {
    if (gw != null) {
      gw.close();
    }
    Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    root.detachAppender(LOG);
    ((Logger) LoggerFactory.getLogger("io.skyrelay")).setLevel(null);
    ((Logger) LoggerFactory.getLogger("org.gaul")).setLevel(Level.WARN);
    if (gw != null) {
      assertSecretNowhere();
    }
  }

  /** The secret is in no log line (message, arguments or stack trace) and in no error body. */
  private static void assertSecretNowhere() {
    String secret = gw.secret();
    int lines = 0;
    for (ILoggingEvent e : LOG.list) {
      String text =
          e.getFormattedMessage()
              + (e.getThrowableProxy() == null
                  ? ""
                  : ThrowableProxyUtil.asString(e.getThrowableProxy()));
      assertFalse(text.contains(secret), "the secret is in a log line: " + text);
      lines++;
    }
    assertTrue(lines > 0, "the log was captured");
    for (String body : BODIES) {
      assertFalse(body.contains(secret), "the secret is in an error body: " + body);
    }
  }

  private static HttpResponse<String> get(String url) throws Exception {
    HttpResponse<String> r =
        HTTP.send(
            HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30)).build(),
            HttpResponse.BodyHandlers.ofString());
    BODIES.add(r.body());
    return r;
  }

  @Test
  void presignedUrlsWorkUntilTheyExpireAndOnlyAsSigned() throws Exception {
    JsonNode urls = boto3.run("presign");

    HttpResponse<String> fresh = get(urls.get("fresh").asText());
    assertEquals(200, fresh.statusCode(), fresh.body());
    assertEquals("presigned bytes", fresh.body());

    HttpResponse<String> put =
        HTTP.send(
            HttpRequest.newBuilder(URI.create(urls.get("put").asText()))
                .timeout(Duration.ofSeconds(30))
                .PUT(HttpRequest.BodyPublishers.ofString("uploaded with a presigned URL"))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertEquals(200, put.statusCode(), put.body());
    assertEquals(
        "uploaded with a presigned URL".length(),
        gw.gateway().namespace().readyVersion("demo", "py/uploaded.txt").orElseThrow().size());

    HttpResponse<String> expired = get(urls.get("expired").asText());
    assertEquals(403, expired.statusCode(), expired.body());
    assertTrue(expired.body().contains("<Code>AccessDenied</Code>"), expired.body());
    assertTrue(expired.body().contains("expired"), expired.body());

    HttpResponse<String> tampered = get(urls.get("tampered").asText());
    assertEquals(403, tampered.statusCode(), tampered.body());
    assertTrue(tampered.body().contains("<Code>SignatureDoesNotMatch</Code>"), tampered.body());

    HttpResponse<String> wrong = get(urls.get("wrong_secret").asText());
    assertEquals(403, wrong.statusCode(), wrong.body());
    assertTrue(wrong.body().contains("<Code>SignatureDoesNotMatch</Code>"), wrong.body());
  }

  @Test
  void aWrongSecretAndAnUnknownKeyAreRefused() throws Exception {
    JsonNode r = boto3.run("bad_credentials");
    for (String call : List.of("wrong_secret_get", "wrong_secret_put")) {
      assertEquals("SignatureDoesNotMatch", r.get(call).get("code").asText(), r.toString());
      assertEquals(403, r.get(call).get("status").asInt());
    }
    for (String call : List.of("unknown_key_list", "unknown_key_put")) {
      String code = r.get(call).get("code").asText();
      assertTrue(code.equals("InvalidAccessKeyId") || code.equals("AccessDenied"), r.toString());
      assertEquals(403, r.get(call).get("status").asInt());
    }
    BODIES.add(r.toString());
    // nothing was written by the refused PUTs
    assertFalse(gw.gateway().namespace().readyVersion("demo", "py/x").isPresent());
  }

  @Test
  void keysThatCouldLeaveARegionsFolderAreRefusedOrStoredInsideIt() throws Exception {
    String m = "escape-" + Long.toHexString(System.nanoTime());
    List<String> keys =
        List.of(
            "../" + m,
            "../../../" + m,
            "a/../../" + m,
            "./" + m,
            "a/./" + m,
            "/" + m,
            "//" + m,
            "..\\..\\" + m,
            "back\\slash\\" + m,
            "C:/" + m,
            "ctl\u0001" + m,
            "tab\t" + m,
            "new\nline" + m,
            "nul\u0000" + m,
            "del\u007f" + m,
            "ok/" + m);
    Files.writeString(boto3.work().resolve("keys.json"), JSON.writeValueAsString(keys));
    JsonNode r = boto3.run("nasty_keys");
    assertEquals(keys.size(), r.size());
    for (JsonNode k : r) {
      BODIES.add(k.toString());
      if (k.get("stored").asBoolean()) {
        assertTrue(k.get("read_back").asBoolean(), "read back as written: " + k);
        assertTrue(k.get("listed").asBoolean(), "listed: " + k);
      } else {
        assertEquals(400, k.get("status").asInt(), k.toString());
        assertTrue(
            List.of("InvalidArgument", "InvalidURI", "KeyTooLongError")
                .contains(k.get("code").asText()),
            k.toString());
        assertFalse(k.get("message").asText().contains(dir.toString()), "no server path: " + k);
      }
    }
    // The ones a disk can hold safely are stored; the rest are refused.
    for (String safe : List.of("back\\slash\\" + m, "..\\..\\" + m, "C:/" + m, "ok/" + m)) {
      assertTrue(outcome(r, safe).get("stored").asBoolean(), "stored: " + outcome(r, safe));
    }
    for (String refused :
        List.of("../" + m, "a/../../" + m, "/" + m, "ctl\u0001" + m, "nul\u0000" + m)) {
      assertFalse(outcome(r, refused).get("stored").asBoolean(), "refused: " + refused);
    }
    // Every file named after the marker is inside a region's folder for the bucket.
    Path east = gw.bucketFolder(ClientGateway.EAST).toAbsolutePath();
    Path west = gw.bucketFolder(ClientGateway.WEST).toAbsolutePath();
    List<Path> outside = new ArrayList<>();
    for (Path root : List.of(dir, dir.getParent())) {
      try (Stream<Path> s = Files.walk(root, root.equals(dir) ? Integer.MAX_VALUE : 2)) {
        s.filter(p -> p.getFileName() != null && p.getFileName().toString().contains(m))
            .map(Path::toAbsolutePath)
            .filter(p -> !p.startsWith(east) && !p.startsWith(west))
            .forEach(outside::add);
      }
    }
    assertEquals(List.of(), outside, "files written outside the regions' folders");
  }

  private static JsonNode outcome(JsonNode results, String key) {
    for (JsonNode k : results) {
      if (k.get("key").asText().equals(key)) {
        return k;
      }
    }
    throw new AssertionError("no outcome for " + key);
  }

  @Test
  void aBodyOverTheSizeLimitIsRefusedBeforeItIsSent() throws Exception {
    JsonNode urls = boto3.run("presign");
    URI put = URI.create(urls.get("put_big").asText());
    long tooLarge = 5L * 1024 * 1024 * 1024 + 1; // one byte over a single PUT's 5 GiB
    try (Socket socket = new Socket(put.getHost(), put.getPort())) {
      socket.setSoTimeout(30_000);
      OutputStream out = socket.getOutputStream();
      out.write(
          ("PUT "
                  + put.getRawPath()
                  + "?"
                  + put.getRawQuery()
                  + " HTTP/1.1\r\nHost: "
                  + put.getHost()
                  + ":"
                  + put.getPort()
                  + "\r\nContent-Length: "
                  + tooLarge
                  + "\r\nConnection: close\r\n\r\n")
              .getBytes(StandardCharsets.US_ASCII));
      out.flush();
      InputStream in = socket.getInputStream();
      ByteArrayOutputStream response = new ByteArrayOutputStream();
      byte[] buf = new byte[8192];
      for (int n; (n = in.read(buf)) > 0; ) {
        response.write(buf, 0, n);
        if (response.toString(StandardCharsets.UTF_8).contains("</Error>")) {
          break;
        }
      }
      String text = response.toString(StandardCharsets.UTF_8);
      BODIES.add(text);
      assertTrue(text.startsWith("HTTP/1.1 400"), text);
      assertTrue(text.contains("<Code>EntityTooLarge</Code>"), text);
    }
    assertFalse(gw.gateway().namespace().readyVersion("demo", "py/too-big.bin").isPresent());
  }

  /**
   * S3Proxy hands {@code If-None-Match} and {@code If-Match} on a PUT only to the stores it knows
   * can check them atomically, and refuses them for any other rather than check and write in two
   * steps; the gateway is not one of those yet. A client asking for a conditional write is told so,
   * and nothing is written: it never gets an unconditional overwrite instead.
   */
  @Test
  void aConditionalPutIsRefusedAndWritesNothing() throws Exception {
    JsonNode r = boto3.run("conditional_put");
    assertEquals(501, r.get("refused").get("status").asInt(), r.toString());
    assertEquals("NotImplemented", r.get("refused").get("code").asText(), r.toString());
    assertEquals(404, r.get("head_after").get("status").asInt(), r.toString());
  }
}
