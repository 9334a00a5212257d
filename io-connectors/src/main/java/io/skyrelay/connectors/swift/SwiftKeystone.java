package io.skyrelay.connectors.swift;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.skyrelay.connectors.AccessDeniedException;
import io.skyrelay.connectors.Redactor;
import io.skyrelay.connectors.TransientStoreException;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.Locale;

/**
 * Keystone v3 password authentication, as python-swiftclient does it with the {@code OS_*}
 * variables: {@code POST <auth URL>/auth/tokens} with the user (by name, in its domain) and a scope
 * of one project (by name, in its domain). Keystone answers 201 with the token in {@code
 * X-Subject-Token} and, in the body, its {@code expires_at} and the service catalog, whose {@code
 * object-store} service lists the storage URL (the endpoint of the interface asked for, {@code
 * public} by default, in the region asked for, else the first).
 *
 * @param authUrl the identity endpoint, such as {@code http://keystone:5000/v3} ({@code /v3} is
 *     added when it is missing)
 * @param region the catalog region to take the endpoint from, or null for the first
 * @param endpointInterface {@code public}, {@code internal} or {@code admin}
 */
record SwiftKeystone(
    URI authUrl,
    String user,
    String password,
    String userDomain,
    String project,
    String projectDomain,
    String region,
    String endpointInterface) {

  private static final ObjectMapper JSON = new ObjectMapper();

  SwiftKeystone {
    Redactor.registerSecret(password);
  }

  /** Whether an auth URL is a Keystone v3 endpoint ({@code .../v3}) rather than a v1.0 one. */
  static boolean isV3(String authUrl) {
    String path = URI.create(authUrl.trim()).getPath();
    return path != null && path.replaceAll("/+$", "").endsWith("/v3");
  }

  URI tokensUrl() {
    String base = authUrl.toString().replaceAll("/+$", "");
    return URI.create((base.endsWith("/v3") ? base : base + "/v3") + "/auth/tokens");
  }

  /** The request body: password method, project scope. */
  String body() {
    ObjectNode root = JSON.createObjectNode();
    ObjectNode auth = root.putObject("auth");
    ObjectNode identity = auth.putObject("identity");
    identity.putArray("methods").add("password");
    ObjectNode u = identity.putObject("password").putObject("user");
    u.put("name", user);
    u.putObject("domain").put("name", userDomain);
    u.put("password", password);
    ObjectNode p = auth.putObject("scope").putObject("project");
    p.put("name", project);
    p.putObject("domain").put("name", projectDomain);
    return root.toString();
  }

  /** A new token and the object-store endpoint of the catalog that came with it. */
  SwiftAuth.Session authenticate(HttpClient http) {
    URI url = tokensUrl();
    HttpRequest request =
        HttpRequest.newBuilder(url)
            .timeout(Duration.ofSeconds(60))
            .header("Content-Type", "application/json")
            .header("Accept", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body()))
            .build();
    HttpResponse<String> response = SwiftAuth.exchange(http, request, "Keystone");
    int status = response.statusCode();
    if (status == 401 || status == 403) {
      throw new AccessDeniedException(
          "Keystone at "
              + url
              + " refused user '"
              + user
              + "' (domain "
              + userDomain
              + ") for project '"
              + project
              + "' (domain "
              + projectDomain
              + "): HTTP "
              + status
              + "; check OS_USERNAME, OS_PASSWORD, OS_PROJECT_NAME and the domain names, or the"
              + " store settings user, key, project, user-domain and project-domain");
    }
    if (status / 100 != 2) {
      String what = "authenticating with Keystone at " + url + ": HTTP " + status;
      if (status >= 500) {
        throw new TransientStoreException(what);
      }
      throw new AccessDeniedException(
          what + "; check that auth-url (or OS_AUTH_URL) is Keystone's v3 endpoint");
    }
    String token = response.headers().firstValue("X-Subject-Token").orElse(null);
    if (token == null) {
      throw new AccessDeniedException(
          url + " answered without X-Subject-Token; is it a Keystone v3 identity endpoint?");
    }
    Redactor.registerSecret(token);
    JsonNode body;
    try {
      body = JSON.readTree(response.body()).path("token");
    } catch (IOException e) {
      throw new AccessDeniedException(url + " answered with a body that is not JSON");
    }
    return new SwiftAuth.Session(storageUrl(body, url), token, expires(body));
  }

  private String storageUrl(JsonNode token, URI url) {
    String wanted = endpointInterface.toLowerCase(Locale.ROOT);
    for (JsonNode service : token.path("catalog")) {
      if (!"object-store".equals(service.path("type").asText())) {
        continue;
      }
      for (JsonNode e : service.path("endpoints")) {
        boolean interfaceMatches = wanted.equals(e.path("interface").asText());
        boolean regionMatches =
            region == null
                || region.equals(e.path("region").asText(null))
                || region.equals(e.path("region_id").asText(null));
        if (interfaceMatches && regionMatches && e.hasNonNull("url")) {
          return e.get("url").asText();
        }
      }
    }
    throw new AccessDeniedException(
        "the catalog Keystone at "
            + url
            + " returned has no object-store endpoint of interface "
            + wanted
            + (region == null ? "" : " in region " + region)
            + "; is Swift registered in Keystone for project '"
            + project
            + "'?");
  }

  private static Instant expires(JsonNode token) {
    String at = token.path("expires_at").asText(null);
    if (at == null) {
      return Instant.MAX;
    }
    try {
      return OffsetDateTime.parse(at).toInstant();
    } catch (DateTimeParseException e) {
      return Instant.MAX;
    }
  }
}
