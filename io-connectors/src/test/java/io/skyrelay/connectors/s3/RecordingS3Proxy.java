package io.skyrelay.connectors.s3;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.skyrelay.connectors.Digests;
import io.skyrelay.connectors.StoreSettings;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.gaul.s3proxy.BlobStores;
import org.gaul.s3proxy.S3Proxy;

/**
 * A small HTTP proxy in front of an S3Proxy server (in memory, no authentication) that records the
 * requests S3 clients send through it: for request headers S3Proxy does not implement (SSE-KMS,
 * request payer, most canned ACLs), which the proxy records and does not forward, this is how a
 * test checks what a real S3 would have been asked.
 *
 * <p>With {@link #imitateKms}, it answers as S3 does for a bucket whose objects are encrypted with
 * SSE-KMS: every ETag it returns (headers and XML bodies) is not the MD5 of the content, and
 * writes, HEADs and GETs report {@code x-amz-server-side-encryption: aws:kms}.
 */
public final class RecordingS3Proxy implements AutoCloseable {

  /** One request as the proxy received it; header names lower case. */
  public record Request(String method, String path, String query, Map<String, String> headers) {

    public String header(String name) {
      return headers.get(name.toLowerCase(Locale.ROOT));
    }

    /** Whether this request writes an object: PUT of an object or a part, or starts an upload. */
    public boolean writesObject() {
      return (method.equals("PUT") && path.indexOf('/', 1) > 0 && !query.contains("partNumber"))
          || (method.equals("POST") && query.startsWith("uploads"));
    }
  }

  private static final Set<String> HOP_HEADERS =
      Set.of("host", "content-length", "connection", "expect", "upgrade", "transfer-encoding");
  private static final Pattern XML_ETAG =
      Pattern.compile("<ETag>(&quot;|\")?([^<&\"]*)(&quot;|\")?</ETag>");

  private final S3Proxy s3proxy;
  private final HttpServer server;
  private final URI target;
  private final HttpClient client = HttpClient.newHttpClient();
  private final List<Request> requests = new CopyOnWriteArrayList<>();
  private final Map<String, String> kmsEtags = new ConcurrentHashMap<>();
  private volatile boolean imitateKms;

  private RecordingS3Proxy() throws Exception {
    Properties props = new Properties();
    props.setProperty("jclouds.identity", "recording");
    props.setProperty("jclouds.credential", "recording-secret");
    s3proxy =
        S3Proxy.builder()
            .blobStore(BlobStores.create("transient", props))
            .endpoint(URI.create("http://127.0.0.1:0"))
            .ignoreUnknownHeaders(true)
            .build();
    s3proxy.start();
    long deadline = System.nanoTime() + 30_000_000_000L;
    while (!"STARTED".equals(s3proxy.getState())) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("S3Proxy did not start: " + s3proxy.getState());
      }
      Thread.sleep(5);
    }
    target = URI.create("http://127.0.0.1:" + s3proxy.getPort());
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext("/", this::forward);
    server.setExecutor(java.util.concurrent.Executors.newFixedThreadPool(8));
    server.start();
  }

  /** Starts S3Proxy and the proxy in front of it. */
  public static RecordingS3Proxy start() throws Exception {
    return new RecordingS3Proxy();
  }

  /** Answers from now on as S3 does for SSE-KMS objects (see the class comment). */
  public RecordingS3Proxy imitateKms() {
    imitateKms = true;
    return this;
  }

  public URI endpoint() {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
  }

  /** Settings that reach S3Proxy through this proxy (any credentials do). */
  public StoreSettings settings() {
    return StoreSettings.of(
        Map.of(
            "endpoint", endpoint().toString(),
            "region", "us-east-1",
            "access-key-id", "recording",
            "secret-access-key", "recording-secret"));
  }

  public void createBucket(String bucket) {
    try {
      HttpResponse<String> r =
          client.send(
              HttpRequest.newBuilder(URI.create(target + "/" + bucket))
                  .PUT(HttpRequest.BodyPublishers.noBody())
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      if (r.statusCode() != 200) {
        throw new IllegalStateException("creating bucket " + bucket + ": " + r.body());
      }
    } catch (IOException | InterruptedException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The requests received so far, oldest first. */
  public List<Request> requests() {
    return List.copyOf(requests);
  }

  public void clear() {
    requests.clear();
  }

  private void forward(HttpExchange exchange) throws IOException {
    try (exchange) {
      String method = exchange.getRequestMethod();
      URI uri = exchange.getRequestURI();
      Map<String, String> headers = new TreeMap<>();
      exchange
          .getRequestHeaders()
          .forEach((k, v) -> headers.put(k.toLowerCase(Locale.ROOT), String.join(",", v)));
      String query = uri.getRawQuery() == null ? "" : uri.getRawQuery();
      requests.add(new Request(method, uri.getRawPath(), query, headers));
      byte[] body;
      try (InputStream in = exchange.getRequestBody()) {
        body = in.readAllBytes();
      }
      if (imitateKms && method.equals("POST") && query.contains("uploadId")) {
        // the part ETags of a CompleteMultipartUpload, as S3Proxy gave them
        String xml = new String(body, StandardCharsets.UTF_8);
        for (Map.Entry<String, String> e : kmsEtags.entrySet()) {
          xml = xml.replace(e.getKey(), e.getValue());
        }
        body = xml.getBytes(StandardCharsets.UTF_8);
      }
      HttpRequest.Builder r =
          HttpRequest.newBuilder(
                  URI.create(target + uri.getRawPath() + (query.isEmpty() ? "" : "?" + query)))
              .method(
                  method,
                  body.length == 0
                      ? HttpRequest.BodyPublishers.noBody()
                      : HttpRequest.BodyPublishers.ofByteArray(body));
      headers.forEach(
          (k, v) -> {
            // S3Proxy checks no signature here, and the proxy's own host is not S3Proxy's.
            if (!HOP_HEADERS.contains(k) && !k.equals("authorization") && !notForS3Proxy(k, v)) {
              r.header(k, unKms(k, v));
            }
          });
      HttpResponse<byte[]> resp;
      try {
        resp = client.send(r.build(), HttpResponse.BodyHandlers.ofByteArray());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IOException(e);
      }
      byte[] out = resp.body();
      boolean xml =
          resp.headers().firstValue("content-type").orElse("").contains("xml") && out.length > 0;
      if (imitateKms && xml) {
        out = kmsXml(new String(out, StandardCharsets.UTF_8)).getBytes(StandardCharsets.UTF_8);
      }
      String length = resp.headers().firstValue("content-length").orElse(null);
      resp.headers()
          .map()
          .forEach(
              (k, v) -> {
                String name = k.toLowerCase(Locale.ROOT);
                if (!HOP_HEADERS.contains(name)
                    && !name.equals("date")
                    && !name.equals(":status")) {
                  for (String value : v) {
                    exchange
                        .getResponseHeaders()
                        .add(k, imitateKms && name.equals("etag") ? kmsEtag(value) : value);
                  }
                }
              });
      if (imitateKms && !method.equals("DELETE")) {
        exchange.getResponseHeaders().set("x-amz-server-side-encryption", "aws:kms");
      }
      if (method.equals("HEAD")) {
        if (length != null) {
          exchange.getResponseHeaders().set("Content-Length", length);
        }
        exchange.sendResponseHeaders(resp.statusCode(), -1);
        return;
      }
      exchange.sendResponseHeaders(resp.statusCode(), out.length == 0 ? -1 : out.length);
      if (out.length > 0) {
        try (OutputStream o = exchange.getResponseBody()) {
          o.write(out);
        }
      }
    }
  }

  /**
   * Headers S3 takes that S3Proxy refuses or does not implement (KMS encryption, request payer,
   * canned ACLs other than private and public-read): recorded, not forwarded.
   */
  private static boolean notForS3Proxy(String header, String value) {
    return header.startsWith("x-amz-server-side-encryption")
        || header.equals("x-amz-request-payer")
        || (header.equals("x-amz-acl") && !value.equals("private") && !value.equals("public-read"));
  }

  /** The ETag S3 would give an SSE-KMS object: not its MD5, but one a client can send back. */
  private String kmsEtag(String etag) {
    String bare = etag.replace("\"", "");
    String kms =
        HexFormat.of()
            .formatHex(Digests.md5().digest(("kms:" + bare).getBytes(StandardCharsets.UTF_8)));
    kmsEtags.put(kms, bare);
    return etag.startsWith("\"") ? "\"" + kms + "\"" : kms;
  }

  private String kmsXml(String body) {
    Matcher m = XML_ETAG.matcher(body);
    StringBuilder b = new StringBuilder();
    while (m.find()) {
      String q = m.group(1) == null ? "" : m.group(1);
      m.appendReplacement(
          b, Matcher.quoteReplacement("<ETag>" + q + kmsEtag(m.group(2)) + q + "</ETag>"));
    }
    m.appendTail(b);
    return b.toString();
  }

  /** Conditions a client sends with an ETag it was given, as S3Proxy knows that ETag. */
  private String unKms(String header, String value) {
    if (!header.contains("match")) {
      return value;
    }
    String bare = value.replace("\"", "");
    String real = kmsEtags.get(bare);
    return real == null ? value : value.replace(bare, real);
  }

  @Override
  public void close() {
    server.stop(0);
    try {
      s3proxy.stop();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
