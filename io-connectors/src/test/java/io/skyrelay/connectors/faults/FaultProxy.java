package io.skyrelay.connectors.faults;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.http.Header;
import org.apache.http.HttpEntity;
import org.apache.http.client.methods.CloseableHttpResponse;
import org.apache.http.client.methods.RequestBuilder;
import org.apache.http.entity.ByteArrayEntity;
import org.apache.http.entity.InputStreamEntity;
import org.apache.http.impl.client.CloseableHttpClient;
import org.apache.http.impl.client.HttpClients;

/**
 * An HTTP proxy the tests own, in front of a store server (S3Proxy, Azurite), that injects server
 * faults: it answers a chosen fraction of requests with an error (S3's {@code 503 SlowDown} or
 * {@code 500 InternalError}, Azure's {@code 503 ServerBusy}) instead of forwarding them, drops
 * connections without an answer, and adds a delay to every request. Everything else is forwarded as
 * it came, Host header included, so signed requests (AWS SigV4, Azure Shared Key) still verify.
 *
 * <p>Faults are spread evenly, not drawn at random, so a run's figures repeat: with a rate of 0.1,
 * requests 10, 20, 30, ... get the fault. Each fault reads the request body first, as a server that
 * fails after the upload does.
 */
public final class FaultProxy implements AutoCloseable {

  /** One kind of fault and the fraction of requests it hits. */
  private record Fault(double rate, int status, String code) {}

  /** The status that means "close the connection without an answer". */
  private static final int DROP = -1;

  private static final Set<String> HOP_HEADERS =
      Set.of("content-length", "connection", "expect", "upgrade", "transfer-encoding", "host");

  private final URI target;
  private final HttpServer server;
  private final ExecutorService pool = Executors.newCachedThreadPool();
  private final CloseableHttpClient client =
      HttpClients.custom()
          .disableAutomaticRetries()
          .disableRedirectHandling()
          .disableContentCompression()
          .disableCookieManagement()
          .setMaxConnTotal(256)
          .setMaxConnPerRoute(256)
          .build();
  private final List<Fault> faults = new CopyOnWriteArrayList<>();
  private final AtomicLong requests = new AtomicLong();
  private final AtomicLong injected = new AtomicLong();
  private final Map<String, AtomicLong> injectedByCode = new ConcurrentHashMap<>();
  private volatile Duration delay = Duration.ZERO;

  private FaultProxy(URI target) throws IOException {
    this.target = target;
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext("/", this::handle);
    server.setExecutor(pool);
    server.start();
  }

  /**
   * Starts a proxy on a free loopback port in front of {@code target} ({@code http://host:port}).
   */
  public static FaultProxy start(URI target) throws IOException {
    return new FaultProxy(target);
  }

  /** Where clients reach the store through this proxy. */
  public URI endpoint() {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
  }

  /** From now on answers a fraction {@code rate} of requests with S3's 503 SlowDown. */
  public FaultProxy slowDown(double rate) {
    return inject(rate, 503, "SlowDown");
  }

  /** From now on answers a fraction {@code rate} of requests with S3's 500 InternalError. */
  public FaultProxy internalError(double rate) {
    return inject(rate, 500, "InternalError");
  }

  /** From now on answers a fraction {@code rate} of requests with Azure's 503 ServerBusy. */
  public FaultProxy serverBusy(double rate) {
    return inject(rate, 503, "ServerBusy");
  }

  /** From now on closes the connection of a fraction {@code rate} of requests without answering. */
  public FaultProxy drop(double rate) {
    return inject(rate, DROP, "drop");
  }

  /**
   * From now on answers a fraction {@code rate} of requests with {@code status} and {@code code}.
   */
  public FaultProxy inject(double rate, int status, String code) {
    if (!(rate > 0 && rate < 1)) {
      throw new IllegalArgumentException("a fault rate is in (0, 1), got " + rate);
    }
    faults.add(new Fault(rate, status, code));
    return this;
  }

  /** From now on holds every request {@code d} before handling it (added latency). */
  public FaultProxy delay(Duration d) {
    delay = d;
    return this;
  }

  /** Stops injecting faults and delays; counts go on. */
  public FaultProxy heal() {
    faults.clear();
    delay = Duration.ZERO;
    return this;
  }

  /** Requests received so far, faulted or not. */
  public long requests() {
    return requests.get();
  }

  /** Requests answered with a fault (or dropped) so far. */
  public long injected() {
    return injected.get();
  }

  /** Requests answered with the fault {@code code} so far ({@code "drop"} for dropped ones). */
  public long injected(String code) {
    AtomicLong n = injectedByCode.get(code);
    return n == null ? 0 : n.get();
  }

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      long n = requests.incrementAndGet();
      Duration wait = delay;
      if (!wait.isZero()) {
        try {
          Thread.sleep(wait.toMillis());
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new IOException(e);
        }
      }
      Fault f = faultOf(n);
      if (f != null) {
        {
          injected.incrementAndGet();
          injectedByCode.computeIfAbsent(f.code(), c -> new AtomicLong()).incrementAndGet();
          try (InputStream in = exchange.getRequestBody()) {
            in.transferTo(OutputStream.nullOutputStream());
          }
          if (f.status() == DROP) {
            // A handler that ends without answering makes the server close the connection.
            throw new IOException("fault: connection dropped");
          }
          answerError(exchange, f);
          return;
        }
      }
      forward(exchange);
    }
  }

  /**
   * The fault request {@code n} gets, or null: requests are faulted evenly at the sum of the
   * faults' rates (with 0.1 and 0.05, requests whose number times 0.15 crosses an integer), and the
   * m-th faulted request gets a kind drawn in proportion to the rates from a generator seeded with
   * m, so a run's faults repeat whatever the threads do.
   */
  private Fault faultOf(long n) {
    List<Fault> all = List.copyOf(faults);
    double total = all.stream().mapToDouble(Fault::rate).sum();
    if (all.isEmpty() || Math.floor(n * total) == Math.floor((n - 1) * total)) {
      return null;
    }
    double pick = new SplittableRandom((long) Math.floor(n * total)).nextDouble() * total;
    for (Fault f : all) {
      pick -= f.rate();
      if (pick < 0) {
        return f;
      }
    }
    return all.get(all.size() - 1);
  }

  private static void answerError(HttpExchange exchange, Fault f) throws IOException {
    byte[] body =
        ("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>"
                + f.code()
                + "</Code><Message>injected fault</Message><RequestId>fault</RequestId></Error>")
            .getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", "application/xml");
    exchange.getResponseHeaders().set("x-ms-error-code", f.code());
    if (f.status() == 503) {
      exchange.getResponseHeaders().set("Retry-After", "1");
    }
    if (exchange.getRequestMethod().equals("HEAD")) {
      exchange.sendResponseHeaders(f.status(), -1);
      return;
    }
    exchange.sendResponseHeaders(f.status(), body.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(body);
    }
  }

  private void forward(HttpExchange exchange) throws IOException {
    String method = exchange.getRequestMethod();
    RequestBuilder r =
        RequestBuilder.create(method).setUri(target + exchange.getRequestURI().toString());
    exchange
        .getRequestHeaders()
        .forEach(
            (k, values) -> {
              String name = k.toLowerCase(Locale.ROOT);
              if (name.equals("host") || !HOP_HEADERS.contains(name)) {
                // the client's own Host, which it may have signed
                values.forEach(v -> r.addHeader(k, v));
              }
            });
    String length = exchange.getRequestHeaders().getFirst("Content-Length");
    String chunked = exchange.getRequestHeaders().getFirst("Transfer-Encoding");
    InputStream body = exchange.getRequestBody();
    if (length != null && Long.parseLong(length) > 0) {
      r.setEntity(new InputStreamEntity(body, Long.parseLong(length)));
    } else if (chunked != null) {
      r.setEntity(new InputStreamEntity(body, -1));
    } else if (length != null) {
      // an empty body the client announced (and may have signed) as Content-Length: 0
      r.setEntity(new ByteArrayEntity(new byte[0]));
    }
    try (CloseableHttpResponse resp = client.execute(r.build())) {
      for (Header h : resp.getAllHeaders()) {
        String name = h.getName().toLowerCase(Locale.ROOT);
        if (!HOP_HEADERS.contains(name) && !name.equals("date")) {
          exchange.getResponseHeaders().add(h.getName(), h.getValue());
        }
      }
      int status = resp.getStatusLine().getStatusCode();
      HttpEntity entity = resp.getEntity();
      if (method.equals("HEAD")) {
        Header cl = resp.getFirstHeader("Content-Length");
        if (cl != null) {
          exchange.getResponseHeaders().set("Content-Length", cl.getValue());
        }
        exchange.sendResponseHeaders(status, -1);
        return;
      }
      long n = entity == null ? 0 : entity.getContentLength();
      if (entity == null || n == 0) {
        exchange.sendResponseHeaders(status, -1);
        return;
      }
      exchange.sendResponseHeaders(status, n < 0 ? 0 : n);
      try (InputStream in = entity.getContent();
          OutputStream out = exchange.getResponseBody()) {
        in.transferTo(out);
      }
    }
  }

  @Override
  public void close() throws IOException {
    server.stop(0);
    pool.shutdownNow();
    client.close();
  }
}
