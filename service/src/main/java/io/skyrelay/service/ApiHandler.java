package io.skyrelay.service;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.skyrelay.connectors.InvalidStoreUriException;
import io.skyrelay.connectors.ObjectInfo;
import io.skyrelay.connectors.ObjectStore;
import io.skyrelay.connectors.ObjectStores;
import io.skyrelay.connectors.StoreUri;
import io.skyrelay.service.auth.Account;
import io.skyrelay.service.auth.Accounts;
import io.skyrelay.service.auth.Signer;
import io.skyrelay.service.catalogue.Catalogue;
import io.skyrelay.service.catalogue.Column;
import io.skyrelay.service.catalogue.Dataset;
import io.skyrelay.service.exports.ExportRequest;
import io.skyrelay.service.exports.ExportRequests;
import io.skyrelay.service.exports.ExportSpec;
import io.skyrelay.transforms.replicate.StoreLocation;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.Fields;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The REST API (described by {@code /openapi.yaml}). Every {@code /api} route needs a bearer token
 * of an existing account and checks its role: admins manage datasets; researchers (and admins)
 * browse the catalogue and request exports. Download links are signed and expire instead. Errors
 * are JSON {@code {"error": "..."}} with the matching status; tokens are never logged.
 */
final class ApiHandler extends Handler.Abstract {

  private static final Logger LOG = LoggerFactory.getLogger(ApiHandler.class);
  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,199}");

  private final Accounts accounts;
  private final Signer signer;
  private final Catalogue catalogue;
  private final ExportRequests requests;
  private final StoreLocation exportRoot;
  private final Consumer<String> profile;
  private final Runnable queued;
  private final Supplier<String> publicUrl;
  private final Duration linkTtl;

  ApiHandler(
      Accounts accounts,
      Signer signer,
      Catalogue catalogue,
      ExportRequests requests,
      StoreLocation exportRoot,
      Consumer<String> profile,
      Runnable queued,
      Supplier<String> publicUrl,
      Duration linkTtl) {
    this.accounts = accounts;
    this.signer = signer;
    this.catalogue = catalogue;
    this.requests = requests;
    this.exportRoot = exportRoot;
    this.profile = profile;
    this.queued = queued;
    this.publicUrl = publicUrl;
    this.linkTtl = linkTtl;
  }

  @Override
  public boolean handle(Request request, Response response, Callback callback) {
    String path = Request.getPathInContext(request);
    String method = request.getMethod();
    try {
      if (path.equals("/openapi.yaml") && method.equals("GET")) {
        try (InputStream in = ApiHandler.class.getResourceAsStream("/openapi.yaml")) {
          send(
              response,
              callback,
              200,
              "application/yaml",
              new String(in.readAllBytes(), StandardCharsets.UTF_8));
        }
        return true;
      }
      if (path.startsWith("/download/") && method.equals("GET")) {
        download(request, response, callback, path.substring("/download/".length()));
        return true;
      }
      if (!path.startsWith("/api/")) {
        throw ApiException.notFound("no such route: " + method + " " + path);
      }
      Account caller = authenticate(request);
      List<String> parts = List.of(path.substring("/api/".length()).split("/"));
      Object body = route(method, parts, request, caller, response);
      sendJson(response, callback, response.getStatus() == 0 ? 200 : response.getStatus(), body);
    } catch (ApiException e) {
      if (e.status() == 401) {
        response.getHeaders().put(HttpHeader.WWW_AUTHENTICATE, "Bearer realm=\"skyrelay\"");
      }
      sendJson(response, callback, e.status(), Map.of("error", e.getMessage()));
    } catch (RuntimeException | IOException e) {
      LOG.warn("{} {} failed", method, path, e);
      sendJson(response, callback, 500, Map.of("error", "internal error: " + e.getMessage()));
    }
    return true;
  }

  private Object route(
      String method, List<String> parts, Request request, Account caller, Response response)
      throws IOException {
    String first = parts.get(0);
    int n = parts.size();
    if (first.equals("me") && n == 1 && method.equals("GET")) {
      return Map.of("name", caller.name(), "role", caller.role().label());
    }
    if (first.equals("datasets")) {
      if (n == 1 && method.equals("GET")) {
        Fields q = Request.extractQueryParameters(request);
        return Map.of(
            "datasets",
            catalogue.search(q.getValue("q"), q.getValue("tag"), q.getValue("column")).stream()
                .map(ApiHandler::datasetJson)
                .toList());
      }
      if (n == 1 && method.equals("POST")) {
        requireAdmin(caller, "add datasets");
        Dataset d = parseDataset(readJson(request));
        if (!catalogue.add(d, caller.name())) {
          throw new ApiException(409, "dataset '" + d.name() + "' exists already");
        }
        profile.accept(d.name());
        response.setStatus(201);
        return datasetJson(catalogue.find(d.name()).orElseThrow());
      }
      Dataset d = dataset(parts.get(1));
      if (n == 2 && method.equals("GET")) {
        return datasetJson(d);
      }
      if (n == 3 && parts.get(2).equals("profile") && method.equals("POST")) {
        requireAdmin(caller, "profile datasets");
        profile.accept(d.name());
        response.setStatus(202);
        return datasetJson(catalogue.find(d.name()).orElseThrow());
      }
    }
    if (first.equals("exports")) {
      if (n == 1 && method.equals("POST")) {
        JsonNode body = readJson(request);
        if (!body.path("dataset").isTextual()) {
          throw ApiException.badRequest("dataset: the name of a catalogue dataset is required");
        }
        Dataset d = dataset(body.get("dataset").asText());
        ExportSpec spec = ExportSpec.parse(body, d);
        ExportRequests.Submission s = requests.submit(spec, caller.name());
        if (!s.joined()) {
          queued.run();
        }
        response.setStatus(s.joined() ? 200 : 201);
        Map<String, Object> json = exportJson(s.request());
        json.put("joined", s.joined());
        return json;
      }
      if (n == 1 && method.equals("GET")) {
        return Map.of(
            "exports",
            requests.list(caller.admin() ? null : caller.name()).stream()
                .map(ApiHandler::exportJson)
                .toList());
      }
      ExportRequest r = visibleExport(parts.get(1), caller);
      if (n == 2 && method.equals("GET")) {
        return exportJson(r);
      }
      if (n == 2 && method.equals("DELETE")) {
        return exportJson(
            requests
                .leave(r.id(), caller.name())
                .orElseThrow(
                    () ->
                        new ApiException(
                            409, caller.name() + " is not waiting for export " + r.id())));
      }
      if (n == 3 && parts.get(2).equals("link") && method.equals("GET")) {
        if (!r.status().equals("done")) {
          throw new ApiException(409, "export " + r.id() + " is " + r.status() + ", not done");
        }
        long expires = Instant.now().plus(linkTtl).getEpochSecond();
        String linkPath = "/download/" + r.id();
        Map<String, Object> json = new LinkedHashMap<>();
        json.put(
            "url",
            publicUrl.get()
                + linkPath
                + "?expires="
                + expires
                + "&signature="
                + signer.linkSignature(linkPath, expires));
        json.put("expiresAt", Instant.ofEpochSecond(expires).toString());
        return json;
      }
    }
    throw ApiException.notFound("no such route: " + method + " /api/" + String.join("/", parts));
  }

  /** The caller of an API route, from its bearer token; 401 without a valid one. */
  private Account authenticate(Request request) {
    String header = request.getHeaders().get(HttpHeader.AUTHORIZATION);
    if (header == null || !header.regionMatches(true, 0, "Bearer ", 0, 7)) {
      throw new ApiException(401, "a bearer token is required (Authorization: Bearer ...)");
    }
    String name =
        signer
            .verify(header.substring(7).trim(), Instant.now())
            .orElseThrow(() -> new ApiException(401, "the bearer token is invalid or expired"));
    return accounts
        .find(name)
        .orElseThrow(() -> new ApiException(401, "the token's account no longer exists"));
  }

  private static void requireAdmin(Account caller, String what) {
    if (!caller.admin()) {
      throw new ApiException(
          403, "only admins may " + what + "; " + caller.name() + " is a " + caller.role().label());
    }
  }

  private Dataset dataset(String name) {
    return catalogue
        .find(name)
        .orElseThrow(() -> ApiException.notFound("no dataset named '" + name + "'"));
  }

  /** The request {@code id} if the caller made it, waits for it or is an admin; else 404. */
  private ExportRequest visibleExport(String id, Account caller) {
    return requests
        .find(id)
        .filter(
            r ->
                caller.admin()
                    || r.createdBy().equals(caller.name())
                    || r.waiters().contains(caller.name()))
        .orElseThrow(() -> ApiException.notFound("no export request " + id));
  }

  private void download(Request request, Response response, Callback callback, String id)
      throws IOException {
    Fields q = Request.extractQueryParameters(request);
    long expires;
    try {
      expires = Long.parseLong(q.getValue("expires"));
    } catch (NumberFormatException | NullPointerException e) {
      throw new ApiException(403, "the download link is incomplete");
    }
    String signature = q.getValue("signature");
    if (signature == null
        || !signer.linkValid("/download/" + id, expires, signature, Instant.now())) {
      throw new ApiException(403, "the download link is invalid or expired");
    }
    ExportRequest r =
        requests
            .find(id)
            .filter(x -> x.status().equals("done"))
            .orElseThrow(() -> ApiException.notFound("no finished export " + id));
    String key = r.resultKey();
    try (ObjectStore store = exportRoot.open()) {
      if (!key.endsWith("/")) {
        ObjectInfo info = store.head(key);
        response.setStatus(200);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, "text/csv; charset=utf-8");
        response.getHeaders().put(HttpHeader.CONTENT_LENGTH, info.size());
        response
            .getHeaders()
            .put(
                HttpHeader.CONTENT_DISPOSITION,
                "attachment; filename=\"" + r.dataset() + "-" + id + ".csv\"");
        try (InputStream in = store.read(key, null, info.etag());
            OutputStream out = Content.Sink.asOutputStream(response)) {
          in.transferTo(out);
        }
      } else {
        response.setStatus(200);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/zip");
        response
            .getHeaders()
            .put(
                HttpHeader.CONTENT_DISPOSITION,
                "attachment; filename=\"" + r.dataset() + "-" + id + ".zip\"");
        try (OutputStream out = Content.Sink.asOutputStream(response);
            ZipOutputStream zip = new ZipOutputStream(out)) {
          for (ObjectInfo info : store.listAll(key)) {
            zip.putNextEntry(new ZipEntry(info.key().substring(key.length())));
            try (InputStream in = store.read(info.key(), null, info.etag())) {
              in.transferTo(zip);
            }
            zip.closeEntry();
          }
        }
      }
    }
    callback.succeeded();
  }

  private Dataset parseDataset(JsonNode body) {
    String name = body.path("name").asText("");
    if (!NAME.matcher(name).matches()) {
      throw ApiException.badRequest(
          "name: letters, digits, '.', '_' and '-', starting with a letter or digit, not '"
              + name
              + "'");
    }
    String uri = body.path("uri").asText("");
    String prefix = body.path("prefix").asText("");
    if (!prefix.isEmpty()) {
      uri = uri.endsWith("/") ? uri + prefix : uri + "/" + prefix;
    }
    try {
      StoreUri parsed = StoreUri.parse(uri);
      ObjectStores.provider(parsed.scheme());
    } catch (InvalidStoreUriException e) {
      throw ApiException.badRequest("uri: " + e.getMessage());
    }
    String format = body.path("format").asText("objects");
    if (!Dataset.FORMATS.contains(format)) {
      throw ApiException.badRequest("format: one of " + Dataset.FORMATS + ", not '" + format + "'");
    }
    return new Dataset(
        name,
        body.path("description").asText(""),
        strings(body, "owners"),
        strings(body, "tags"),
        uri,
        format,
        "pending",
        null,
        null,
        List.of());
  }

  private static List<String> strings(JsonNode body, String field) {
    JsonNode n = body.get(field);
    List<String> out = new ArrayList<>();
    if (n == null || n.isNull()) {
      return out;
    }
    if (!n.isArray()) {
      throw ApiException.badRequest(field + ": an array of strings, not " + n);
    }
    for (JsonNode e : n) {
      if (!e.isTextual() || e.asText().isBlank()) {
        throw ApiException.badRequest(field + ": an array of non-empty strings, not " + n);
      }
      out.add(e.asText());
    }
    return out;
  }

  static Map<String, Object> datasetJson(Dataset d) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("name", d.name());
    m.put("description", d.description());
    m.put("owners", d.owners());
    m.put("tags", d.tags());
    m.put("uri", d.uri());
    m.put("format", d.format());
    m.put("profileStatus", d.profileStatus());
    if (d.profileMessage() != null) {
      m.put("profileMessage", d.profileMessage());
    }
    if (d.tabular()) {
      List<Map<String, String>> columns = new ArrayList<>();
      for (Column c : d.columns()) {
        columns.add(Map.of("name", c.name(), "type", c.type().name()));
      }
      m.put("columns", columns);
    }
    m.put("profile", d.profile());
    return m;
  }

  static Map<String, Object> exportJson(ExportRequest r) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("id", r.id());
    m.put("dataset", r.dataset());
    m.put("spec", r.spec());
    m.put("status", r.status());
    m.put("progress", r.progress());
    m.put("objects", r.objects());
    m.put("rows", r.rows());
    m.put("bytes", r.bytes());
    if (r.message() != null) {
      m.put("message", r.message());
    }
    m.put("createdBy", r.createdBy());
    m.put("createdAt", Instant.ofEpochMilli(r.createdMillis()).toString());
    m.put("updatedAt", Instant.ofEpochMilli(r.updatedMillis()).toString());
    m.put("waiters", r.waiters());
    return m;
  }

  private static JsonNode readJson(Request request) throws IOException {
    String text = Content.Source.asString(request, StandardCharsets.UTF_8);
    try {
      JsonNode node = Json.MAPPER.readTree(text);
      if (node == null || !node.isObject()) {
        throw ApiException.badRequest("the body must be a JSON object");
      }
      return node;
    } catch (JsonProcessingException e) {
      throw ApiException.badRequest("the body is not valid JSON: " + e.getOriginalMessage());
    }
  }

  private static void sendJson(Response response, Callback callback, int status, Object body) {
    send(response, callback, status, "application/json", Json.write(body));
  }

  private static void send(
      Response response, Callback callback, int status, String type, String body) {
    response.setStatus(status);
    response.getHeaders().put(HttpHeader.CONTENT_TYPE, type + "; charset=utf-8");
    Content.Sink.write(response, true, body, callback);
  }
}
