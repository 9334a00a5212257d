package io.skyrelay.connectors.swift;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.skyrelay.connectors.BatchDeleteResult;
import io.skyrelay.connectors.ByteRange;
import io.skyrelay.connectors.HashingInputStream;
import io.skyrelay.connectors.ListPage;
import io.skyrelay.connectors.ListRequest;
import io.skyrelay.connectors.MultipartUploads;
import io.skyrelay.connectors.ObjectInfo;
import io.skyrelay.connectors.ObjectNotFoundException;
import io.skyrelay.connectors.ObjectStore;
import io.skyrelay.connectors.PreconditionFailedException;
import io.skyrelay.connectors.PutOptions;
import io.skyrelay.connectors.Retrier;
import io.skyrelay.connectors.ServerSideCopy;
import io.skyrelay.connectors.StoreException;
import io.skyrelay.connectors.StoreUri;
import io.skyrelay.connectors.TransientStoreException;
import io.skyrelay.connectors.WriteResult;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One Swift container, over the v1 object API.
 *
 * <p>ETags: an object written in one request has the hex MD5 of its content as ETag, which is also
 * its {@link ObjectInfo#md5()}. A static large object (written by {@link #put} above the segment
 * size, or by {@link #multipart()}) has Swift's manifest ETag, the MD5 of its segments' MD5s
 * concatenated as hex text; it is the same in listings and heads and changes whenever the content
 * does, but it is not the content's MD5, so such objects report no {@code md5}.
 */
public final class SwiftObjectStore implements ObjectStore {

  /** Appended to a container's name to name the container that holds its segments. */
  static final String SEGMENTS_SUFFIX = "_segments";

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Logger LOG = LoggerFactory.getLogger(SwiftObjectStore.class);
  private static final String META = "x-object-meta-";
  private static final Duration REQUEST_TIMEOUT = Duration.ofMinutes(2);

  private final HttpClient http;
  private final SwiftAuth auth;
  private final StoreUri root;
  private final String container;
  private final Retrier retrier;
  private final SwiftLargeObjects large;
  private final SwiftCopies copies;
  private final boolean leaveSegments;
  private volatile Integer bulkDeleteLimit;

  SwiftObjectStore(
      HttpClient http,
      SwiftAuth auth,
      StoreUri root,
      long segmentSize,
      int segmentParallelism,
      boolean leaveSegments,
      Retrier retrier) {
    this.http = http;
    this.leaveSegments = leaveSegments;
    this.auth = auth;
    this.root = root.containerOnly();
    this.container = root.container();
    this.retrier = retrier;
    this.large = new SwiftLargeObjects(this, segmentSize, segmentParallelism);
    this.copies = new SwiftCopies(this);
  }

  @Override
  public StoreUri root() {
    return root;
  }

  String container() {
    return container;
  }

  SwiftAuth auth() {
    return auth;
  }

  Retrier retrier() {
    return retrier;
  }

  String uri(String key) {
    return root.withPrefix(key).toString();
  }

  /** The request path of an object: {@code /container/key}, encoded. */
  static String path(String container, String key) {
    return "/" + SwiftPaths.encode(container) + "/" + SwiftPaths.encode(key, true);
  }

  // ---- requests ---------------------------------------------------------------------------

  /**
   * Sends a request to {@code storage URL + pathAndQuery} with the current token. A 401 renews the
   * token; a {@code replayable} request is then sent once more, any other fails as transient (its
   * body was consumed). The caller closes the answer's body.
   */
  HttpResponse<InputStream> send(
      String what,
      String pathAndQuery,
      Consumer<HttpRequest.Builder> method,
      boolean replayable,
      boolean timeout) {
    SwiftAuth.Session session = auth.current();
    for (int attempt = 1; ; attempt++) {
      HttpRequest.Builder b =
          HttpRequest.newBuilder(URI.create(session.storageUrl() + pathAndQuery))
              .header("X-Auth-Token", session.token());
      if (timeout) {
        b.timeout(REQUEST_TIMEOUT);
      }
      method.accept(b);
      HttpResponse<InputStream> response;
      try {
        response = http.send(b.build(), HttpResponse.BodyHandlers.ofInputStream());
      } catch (IOException e) {
        throw SwiftErrors.forIo(e, what);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new TransientStoreException(what + ": interrupted", e);
      }
      if (response.statusCode() != 401) {
        return response;
      }
      discard(response);
      session = auth.renew(session);
      if (!replayable || attempt > 1) {
        throw new TransientStoreException(
            what
                + ": the Swift token expired during the request (HTTP 401); it was renewed, retry");
      }
    }
  }

  /** Fails with the SPI's exception for an answer outside 2xx (and the expected 404 / 412). */
  static HttpResponse<InputStream> expectOk(HttpResponse<InputStream> response, String what) {
    int status = response.statusCode();
    if (status / 100 == 2) {
      return response;
    }
    throw SwiftErrors.forStatus(status, what, bodyOf(response));
  }

  static String bodyOf(HttpResponse<InputStream> response) {
    try (InputStream in = response.body()) {
      return new String(in.readNBytes(1024), StandardCharsets.UTF_8);
    } catch (IOException e) {
      return "";
    }
  }

  static void discard(HttpResponse<InputStream> response) {
    try (InputStream in = response.body()) {
      in.transferTo(java.io.OutputStream.nullOutputStream());
    } catch (IOException ignored) {
      // the connection is dropped instead of reused
    }
  }

  /** Reads a JSON answer body. */
  static JsonNode json(HttpResponse<InputStream> response) {
    try (InputStream in = response.body()) {
      return JSON.readTree(in);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  <T> T retry(String what, java.util.concurrent.Callable<T> call) {
    return retrier.call(
        what,
        call,
        e ->
            e instanceof IOException io
                ? SwiftErrors.forIo(io, what)
                : e instanceof UncheckedIOException u
                    ? SwiftErrors.forIo(u.getCause(), what)
                    : new StoreException(what + ": " + e, e));
  }

  // ---- listing and heads ------------------------------------------------------------------

  @Override
  public ListPage list(ListRequest request) {
    return listContainer(container, request);
  }

  /** One page of a container's listing ({@code format=json}). */
  ListPage listContainer(String name, ListRequest request) {
    StringBuilder q = new StringBuilder("?format=json&limit=").append(request.maxKeys());
    if (!request.prefix().isEmpty()) {
      q.append("&prefix=").append(SwiftPaths.encode(request.prefix()));
    }
    if (request.delimiter() != null && !request.delimiter().isEmpty()) {
      q.append("&delimiter=").append(SwiftPaths.encode(request.delimiter()));
    }
    // Swift's marker is S3's start-after: keys after it in byte order; a page token is the last
    // key of the page before, so it is always past a requested start.
    String marker = request.pageToken() != null ? request.pageToken() : request.startAfter();
    if (marker != null) {
      q.append("&marker=").append(SwiftPaths.encode(marker));
    }
    String what = "listing swift://" + root.account() + "/" + name + "/" + request.prefix();
    JsonNode entries =
        retry(
            what,
            () -> {
              HttpResponse<InputStream> r =
                  send(
                      what,
                      "/" + SwiftPaths.encode(name) + q,
                      HttpRequest.Builder::GET,
                      true,
                      true);
              if (r.statusCode() == 404) {
                discard(r);
                throw new ObjectNotFoundException(
                    what + ": container " + name + " does not exist in account " + root.account());
              }
              return json(expectOk(r, what));
            });
    List<ObjectInfo> objects = new ArrayList<>();
    List<String> prefixes = new ArrayList<>();
    String last = null;
    for (JsonNode e : entries) {
      if (e.has("subdir")) {
        last = e.get("subdir").asText();
        prefixes.add(last);
        continue;
      }
      last = e.get("name").asText();
      boolean slo = e.hasNonNull("slo_etag");
      String etag = slo ? unquote(e.get("slo_etag").asText()) : e.path("hash").asText(null);
      objects.add(
          new ObjectInfo(
              last,
              e.path("bytes").asLong(),
              etag,
              listedTime(e.path("last_modified").asText(null)),
              slo ? null : md5Of(etag),
              e.path("content_type").asText(null),
              Map.of(),
              null));
    }
    String next = entries.size() == request.maxKeys() ? last : null;
    return new ListPage(objects, prefixes, next);
  }

  @Override
  public ObjectInfo head(String key) {
    String what = "reading the metadata of " + uri(key);
    return retry(
        what,
        () -> {
          HttpResponse<InputStream> r = headRequest(what, key);
          if (r.statusCode() == 404) {
            throw new ObjectNotFoundException(uri(key) + " does not exist");
          }
          expectOk(r, what);
          return info(key, r.headers());
        });
  }

  /** What the headers of a HEAD or GET say about {@code key}. */
  static ObjectInfo info(String key, HttpHeaders h) {
    String etag = unquote(h.firstValue("Etag").orElse(null));
    boolean slo = h.firstValue("X-Static-Large-Object").map(Boolean::parseBoolean).orElse(false);
    Map<String, String> metadata = new TreeMap<>();
    h.map()
        .forEach(
            (name, values) -> {
              String n = name.toLowerCase(Locale.ROOT);
              if (n.startsWith(META) && !values.isEmpty()) {
                metadata.put(n.substring(META.length()), fromHeaderValue(values.get(0)));
              }
            });
    Instant modified =
        h.firstValue("X-Timestamp")
            .map(t -> parseTimestamp(t))
            .orElseGet(
                () ->
                    h.firstValue("Last-Modified")
                        .map(
                            s ->
                                ZonedDateTime.parse(s, DateTimeFormatter.RFC_1123_DATE_TIME)
                                    .toInstant())
                        .orElse(null));
    return new ObjectInfo(
        key,
        h.firstValueAsLong("Content-Length").orElse(0),
        etag,
        modified,
        slo ? null : md5Of(etag),
        h.firstValue("Content-Type").orElse(null),
        metadata,
        null);
  }

  /**
   * A metadata value as a header carries it: ASCII as it is, anything else as an RFC 2047 encoded
   * word ({@code =?UTF-8?B?...?=}), since the HTTP client sends header values as ASCII only.
   */
  static String headerValue(String value) {
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (c > 126 || (c < 32 && c != '\t')) {
        return "=?UTF-8?B?"
            + Base64.getEncoder().encodeToString(value.getBytes(StandardCharsets.UTF_8))
            + "?=";
      }
    }
    return value;
  }

  /** The inverse of {@link #headerValue}. */
  static String fromHeaderValue(String header) {
    if (header.startsWith("=?UTF-8?B?") && header.endsWith("?=") && header.length() >= 12) {
      try {
        return new String(
            Base64.getDecoder().decode(header.substring(10, header.length() - 2)),
            StandardCharsets.UTF_8);
      } catch (IllegalArgumentException notBase64) {
        return header;
      }
    }
    return header;
  }

  private static Instant parseTimestamp(String t) {
    String[] parts = t.trim().split("\\.", 2);
    long seconds = Long.parseLong(parts[0]);
    long nanos = 0;
    if (parts.length == 2) {
      String frac = (parts[1] + "000000000").substring(0, 9);
      nanos = Long.parseLong(frac);
    }
    return Instant.ofEpochSecond(seconds, nanos);
  }

  private static Instant listedTime(String s) {
    return s == null ? null : LocalDateTime.parse(s).toInstant(ZoneOffset.UTC);
  }

  static String unquote(String etag) {
    if (etag != null && etag.length() >= 2 && etag.startsWith("\"") && etag.endsWith("\"")) {
      return etag.substring(1, etag.length() - 1);
    }
    return etag;
  }

  private static String md5Of(String etag) {
    return etag != null && etag.matches("[0-9a-fA-F]{32}") ? etag.toLowerCase(Locale.ROOT) : null;
  }

  // ---- reads ------------------------------------------------------------------------------

  @Override
  public InputStream read(String key, ByteRange range, String ifMatch) {
    String what = "reading " + uri(key);
    return retry(
        what,
        () -> {
          HttpResponse<InputStream> r =
              send(
                  what,
                  path(container, key),
                  b -> {
                    b.GET();
                    if (range != null) {
                      b.header("Range", range.httpHeader());
                    }
                    if (ifMatch != null) {
                      b.header("If-Match", "\"" + ifMatch + "\"");
                    }
                  },
                  true,
                  true);
          int status = r.statusCode();
          if (status == 404) {
            discard(r);
            throw new ObjectNotFoundException(uri(key) + " does not exist");
          }
          if (status == 412) {
            discard(r);
            throw new PreconditionFailedException(
                uri(key) + " changed since it was listed (its ETag is no longer " + ifMatch + ")");
          }
          return expectOk(r, what).body();
        });
  }

  // ---- writes -----------------------------------------------------------------------------

  @Override
  public WriteResult put(String key, InputStream content, long length, PutOptions options) {
    List<String> replaced = replacedSegments(key, options);
    WriteResult w =
        large.usesSegments(length)
            ? large.putSegmented(key, content, length, options)
            : putWhole(key, content, length, options);
    deleteSegments(replaced);
    return w;
  }

  private WriteResult putWhole(String key, InputStream content, long length, PutOptions options) {
    String what = "writing " + uri(key);
    HashingInputStream hashed = HashingInputStream.of(content);
    HttpResponse<InputStream> r =
        send(
            what,
            path(container, key),
            b -> {
              b.PUT(
                  length == 0
                      ? HttpRequest.BodyPublishers.noBody()
                      : HttpRequest.BodyPublishers.fromPublisher(
                          HttpRequest.BodyPublishers.ofInputStream(() -> hashed), length));
              writeHeaders(b, options);
              if (options.md5() != null) {
                b.header("ETag", options.md5());
              }
            },
            false,
            false);
    int status = r.statusCode();
    if (status == 422) {
      discard(r);
      throw options.md5Mismatch(uri(key), hashed.md5Hex());
    }
    if (status == 412) {
      discard(r);
      throw new PreconditionFailedException(uri(key) + " already exists (If-None-Match: *)");
    }
    expectOk(r, what);
    discard(r);
    return new WriteResult(key, length, unquote(r.headers().firstValue("Etag").orElse(null)));
  }

  /**
   * The segments of the static large object a write of {@code key} is about to replace, as {@code
   * /container/name} paths, to be deleted once the new object is in place (as the swift CLI does
   * unless told {@code --leave-segments}); empty when there is nothing at the key, it is not a
   * static large object, the write is create-only, or the store leaves segments.
   */
  List<String> replacedSegments(String key, PutOptions options) {
    if (leaveSegments || options.ifNoneMatch()) {
      return List.of();
    }
    String what = "reading the manifest of " + uri(key) + " before replacing it";
    return retry(
        what,
        () -> {
          HttpResponse<InputStream> head =
              send(
                  what,
                  path(container, key),
                  b -> b.method("HEAD", HttpRequest.BodyPublishers.noBody()),
                  true,
                  true);
          discard(head);
          if (head.statusCode() == 404
              || !head.headers()
                  .firstValue("X-Static-Large-Object")
                  .map(Boolean::parseBoolean)
                  .orElse(false)) {
            return List.<String>of();
          }
          expectOk(head, what);
          HttpResponse<InputStream> r =
              send(
                  what,
                  path(container, key) + "?multipart-manifest=get&format=json",
                  HttpRequest.Builder::GET,
                  true,
                  true);
          if (r.statusCode() == 404) {
            discard(r);
            return List.<String>of();
          }
          List<String> paths = new ArrayList<>();
          for (JsonNode segment : json(expectOk(r, what))) {
            String name = segment.path("name").asText("");
            if (name.startsWith("/") && name.indexOf('/', 1) > 1) {
              paths.add(name);
            }
          }
          return paths;
        });
  }

  /**
   * Deletes segments ({@code /container/name}) of a replaced large object; missing ones are fine.
   * The new object is in place by then, so a segment that cannot be deleted is logged and left, not
   * reported as a failed write.
   */
  void deleteSegments(List<String> paths) {
    for (String p : paths) {
      int slash = p.indexOf('/', 1);
      String segmentContainer = p.substring(1, slash);
      String name = p.substring(slash + 1);
      String what = "deleting segment " + p + " of a replaced large object in " + root;
      try {
        retry(
            what,
            () -> {
              HttpResponse<InputStream> r =
                  send(what, path(segmentContainer, name), HttpRequest.Builder::DELETE, true, true);
              if (r.statusCode() != 404) {
                expectOk(r, what);
              }
              discard(r);
              return null;
            });
      } catch (StoreException e) {
        LOG.warn("{}: {}; the segment is left in place", what, e.getMessage());
      }
    }
  }

  /** Content type, user metadata and If-None-Match of a write. */
  static void writeHeaders(HttpRequest.Builder b, PutOptions options) {
    if (options.contentType() != null) {
      b.header("Content-Type", options.contentType());
    }
    options.metadata().forEach((k, v) -> b.header("X-Object-Meta-" + k, headerValue(v)));
    if (options.ifNoneMatch()) {
      b.header("If-None-Match", "*");
    }
  }

  // ---- deletes ----------------------------------------------------------------------------

  /**
   * Deletes the object; a static large object's segments go with it ({@code
   * multipart-manifest=delete}).
   */
  @Override
  public void delete(String key) {
    String what = "deleting " + uri(key);
    retry(
        what,
        () -> {
          HttpResponse<InputStream> r =
              send(
                  what,
                  path(container, key) + "?multipart-manifest=delete",
                  b -> b.DELETE().header("Accept", "application/json"),
                  true,
                  true);
          String body;
          try (InputStream in = r.body()) {
            body = new String(in.readAllBytes(), StandardCharsets.UTF_8);
          }
          if (r.statusCode() == 404) {
            return null;
          }
          if (r.statusCode() / 100 != 2) {
            throw SwiftErrors.forStatus(r.statusCode(), what, body);
          }
          if (body.contains("Not an SLO manifest")) {
            // A plain object: the SLO middleware deletes only manifests this way.
            HttpResponse<InputStream> plain =
                send(what, path(container, key), HttpRequest.Builder::DELETE, true, true);
            String answer = bodyOf(plain);
            if (plain.statusCode() / 100 != 2 && plain.statusCode() != 404) {
              throw SwiftErrors.forStatus(plain.statusCode(), what, answer);
            }
            return null;
          }
          String status =
              body.isBlank() ? "200" : JSON.readTree(body).path("Response Status").asText("200");
          int code = Integer.parseInt(status.trim().split(" ", 2)[0]);
          if (code / 100 != 2 && code != 404) {
            throw SwiftErrors.forStatus(code, what, body);
          }
          return null;
        });
  }

  /**
   * Deletes with the bulk middleware ({@code ?bulk-delete}, up to its per-request limit) when the
   * cluster has it, else one request per key. The bulk middleware removes a large object's manifest
   * only, so when the segment container holds anything, each key is looked at first and static
   * large objects are deleted one by one with their segments (unless the store leaves segments).
   */
  @Override
  public BatchDeleteResult deleteAll(Collection<String> keys) {
    int limit = bulkDeleteLimit();
    Map<String, String> failed = new HashMap<>();
    int deleted = 0;
    if (limit > 0 && !leaveSegments && !keys.isEmpty() && segmentContainerHasObjects()) {
      List<String> plain = new ArrayList<>();
      for (String key : keys) {
        try {
          if (isStaticLargeObject(key)) {
            delete(key);
            deleted++;
          } else {
            plain.add(key);
          }
        } catch (StoreException e) {
          failed.put(key, e.getMessage());
        }
      }
      keys = plain;
    }
    if (limit <= 0) {
      for (String key : keys) {
        try {
          delete(key);
          deleted++;
        } catch (StoreException e) {
          failed.put(key, e.getMessage());
        }
      }
      return new BatchDeleteResult(deleted, failed);
    }
    List<String> all = new ArrayList<>(keys);
    for (int from = 0; from < all.size(); from += limit) {
      List<String> batch = all.subList(from, Math.min(all.size(), from + limit));
      Map<String, String> batchFailed = bulkDelete(batch);
      failed.putAll(batchFailed);
      deleted += batch.size() - batchFailed.size();
    }
    return new BatchDeleteResult(deleted, failed);
  }

  /** One HEAD of {@code key}, its (empty) body already read. */
  private HttpResponse<InputStream> headRequest(String what, String key) {
    HttpResponse<InputStream> r =
        send(
            what,
            path(container, key),
            b -> b.method("HEAD", HttpRequest.BodyPublishers.noBody()),
            true,
            true);
    discard(r);
    return r;
  }

  private boolean isStaticLargeObject(String key) {
    String what = "reading the metadata of " + uri(key);
    return retry(
        what,
        () -> {
          HttpResponse<InputStream> r = headRequest(what, key);
          return r.statusCode() / 100 == 2
              && r.headers()
                  .firstValue("X-Static-Large-Object")
                  .map(Boolean::parseBoolean)
                  .orElse(false);
        });
  }

  /** Whether {@code <container>_segments} exists and holds at least one object. */
  private boolean segmentContainerHasObjects() {
    String segments = container + SEGMENTS_SUFFIX;
    String what = "reading the container " + segments;
    return retry(
        what,
        () -> {
          HttpResponse<InputStream> r =
              send(
                  what,
                  "/" + SwiftPaths.encode(segments),
                  b -> b.method("HEAD", HttpRequest.BodyPublishers.noBody()),
                  true,
                  true);
          discard(r);
          if (r.statusCode() == 404) {
            return false;
          }
          expectOk(r, what);
          return r.headers().firstValueAsLong("X-Container-Object-Count").orElse(1) > 0;
        });
  }

  private Map<String, String> bulkDelete(List<String> batch) {
    String what = "deleting " + batch.size() + " objects in " + root;
    Map<String, String> byPath = new HashMap<>();
    StringBuilder body = new StringBuilder();
    for (String key : batch) {
      String p = path(container, key);
      byPath.put(p, key);
      byPath.put("/" + container + "/" + key, key);
      body.append(p).append('\n');
    }
    JsonNode result =
        retry(
            what,
            () ->
                json(
                    expectOk(
                        send(
                            what,
                            "?bulk-delete",
                            b ->
                                b.POST(HttpRequest.BodyPublishers.ofString(body.toString()))
                                    .header("Content-Type", "text/plain")
                                    .header("Accept", "application/json"),
                            true,
                            true),
                        what)));
    Map<String, String> failed = new HashMap<>();
    for (JsonNode error : result.path("Errors")) {
      String p = error.path(0).asText();
      String status = error.path(1).asText();
      failed.put(byPath.getOrDefault(p, p), "Swift answered " + status);
    }
    String status = result.path("Response Status").asText("200 OK");
    if (failed.isEmpty() && !status.startsWith("2")) {
      for (String key : batch) {
        failed.put(key, "bulk delete answered " + status);
      }
    }
    return failed;
  }

  /** The bulk middleware's keys-per-request limit, from {@code /info}; 0 when it is absent. */
  int bulkDeleteLimit() {
    Integer known = bulkDeleteLimit;
    if (known != null) {
      return known;
    }
    String storage = auth.current().storageUrl();
    URI info = URI.create(storage.substring(0, storage.indexOf("/v1/")) + "/info");
    int limit = 0;
    try {
      HttpResponse<InputStream> r =
          http.send(
              HttpRequest.newBuilder(info).timeout(REQUEST_TIMEOUT).GET().build(),
              HttpResponse.BodyHandlers.ofInputStream());
      if (r.statusCode() == 200) {
        JsonNode bulk = json(r).path("bulk_delete");
        limit =
            bulk.isMissingNode()
                ? 0
                : Math.min(1000, bulk.path("max_deletes_per_request").asInt(1000));
      } else {
        discard(r);
      }
    } catch (IOException | UncheckedIOException e) {
      return 0; // try again next time; delete one by one meanwhile
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return 0;
    }
    bulkDeleteLimit = limit;
    return limit;
  }

  // ---- capabilities -----------------------------------------------------------------------

  @Override
  public Optional<MultipartUploads> multipart() {
    return Optional.of(large);
  }

  @Override
  public Optional<ServerSideCopy> serverSideCopy() {
    return Optional.of(copies);
  }

  /** Whether {@code other} reaches the same Swift account with the same credentials. */
  boolean sameAccount(ObjectStore other) {
    return other instanceof SwiftObjectStore s
        && s.auth.authUrl().equals(auth.authUrl())
        && s.root.account().equals(root.account());
  }

  @Override
  public void close() {
    large.close();
  }
}
