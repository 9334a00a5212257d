package io.skyrelay.connectors.swift;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.skyrelay.connectors.AccessDeniedException;
import io.skyrelay.connectors.ObjectInfo;
import io.skyrelay.connectors.ObjectStore;
import io.skyrelay.connectors.PutOptions;
import io.skyrelay.connectors.StoreSettings;
import io.skyrelay.connectors.StoreUri;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Keystone v3 password authentication against the Swift all-in-one. No Keystone runs here, so a
 * small stub speaks Keystone's token API ({@code POST /v3/auth/tokens}): it checks the user,
 * password, project and domains, and answers 201 with a token in {@code X-Subject-Token} and a
 * catalog whose public {@code object-store} endpoint is the all-in-one's storage URL. The token it
 * hands out is one the all-in-one's tempauth issued, so Swift accepts it and forgets it like any
 * other.
 */
class SwiftKeystoneTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String PASSWORD = "demo-pass-7Hq2";
  private static final StoreUri URI_ = StoreUri.parse("swift://AUTH_test/keystone");

  private static SwiftAllInOneServer swift;
  private static HttpServer keystone;
  private static final List<JsonNode> requests = new CopyOnWriteArrayList<>();
  private static volatile Duration lifetime = Duration.ofHours(1);

  @BeforeAll
  static void start() throws Exception {
    String missing = SwiftAllInOneServer.missing();
    assertTrue(missing.isEmpty(), missing);
    swift = SwiftAllInOneServer.start();
    swift.createContainer("keystone");
    keystone = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    keystone.createContext("/v3/auth/tokens", SwiftKeystoneTest::tokens);
    keystone.start();
  }

  @AfterAll
  static void stop() {
    if (keystone != null) {
      keystone.stop(0);
    }
    if (swift != null) {
      swift.close();
    }
  }

  @BeforeEach
  void reset() {
    requests.clear();
    lifetime = Duration.ofHours(1);
  }

  private static String authUrl() {
    return "http://127.0.0.1:" + keystone.getAddress().getPort() + "/v3";
  }

  /** The stub's token endpoint. */
  private static void tokens(HttpExchange exchange) throws IOException {
    try (exchange) {
      JsonNode body;
      try (InputStream in = exchange.getRequestBody()) {
        body = JSON.readTree(in);
      }
      if (!exchange.getRequestMethod().equals("POST")) {
        exchange.sendResponseHeaders(405, -1);
        return;
      }
      requests.add(body);
      JsonNode user = body.at("/auth/identity/password/user");
      JsonNode project = body.at("/auth/scope/project");
      boolean ok =
          body.at("/auth/identity/methods/0").asText().equals("password")
              && user.path("name").asText().equals("demo")
              && user.at("/domain/name").asText().equals("Default")
              && user.path("password").asText().equals(PASSWORD)
              && project.path("name").asText().equals("demo")
              && project.at("/domain/name").asText().equals("Default");
      if (!ok) {
        byte[] error =
            "{\"error\":{\"code\":401,\"message\":\"The request you have made requires authentication.\"}}"
                .getBytes(StandardCharsets.UTF_8);
        exchange.sendResponseHeaders(401, error.length);
        exchange.getResponseBody().write(error);
        return;
      }
      String[] tempauth = tempauthToken();
      ObjectNode answer = JSON.createObjectNode();
      ObjectNode token = answer.putObject("token");
      token.put("expires_at", Instant.now().plus(lifetime).toString());
      token.putObject("project").put("id", "test").put("name", "demo");
      ArrayNode catalog = token.putArray("catalog");
      ObjectNode identity = catalog.addObject().put("type", "identity");
      identity
          .putArray("endpoints")
          .addObject()
          .put("interface", "public")
          .put("region", "RegionOne")
          .put("url", authUrl());
      ArrayNode endpoints = catalog.addObject().put("type", "object-store").putArray("endpoints");
      endpoints
          .addObject()
          .put("interface", "internal")
          .put("region", "RegionOne")
          .put("url", "http://127.0.0.1:9/v1/AUTH_test");
      endpoints
          .addObject()
          .put("interface", "public")
          .put("region", "RegionOne")
          .put("url", tempauth[0]);
      byte[] out = answer.toString().getBytes(StandardCharsets.UTF_8);
      exchange.getResponseHeaders().add("X-Subject-Token", tempauth[1]);
      exchange.getResponseHeaders().add("Content-Type", "application/json");
      exchange.sendResponseHeaders(201, out.length);
      try (OutputStream o = exchange.getResponseBody()) {
        o.write(out);
      }
    }
  }

  /** A storage URL and a token from the all-in-one's tempauth. */
  private static String[] tempauthToken() throws IOException {
    try {
      HttpResponse<Void> r =
          HttpClient.newHttpClient()
              .send(
                  HttpRequest.newBuilder(URI.create(swift.authUrl()))
                      .header("X-Auth-User", SwiftAllInOneServer.USER)
                      .header("X-Auth-Key", SwiftAllInOneServer.KEY)
                      .build(),
                  HttpResponse.BodyHandlers.discarding());
      return new String[] {
        r.headers().firstValue("X-Storage-Url").orElseThrow(),
        r.headers().firstValue("X-Auth-Token").orElseThrow()
      };
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException(e);
    }
  }

  private static Map<String, String> osVariables(String password) {
    Map<String, String> env = new HashMap<>();
    env.put("OS_AUTH_URL", authUrl());
    env.put("OS_USERNAME", "demo");
    env.put("OS_PASSWORD", password);
    env.put("OS_PROJECT_NAME", "demo");
    env.put("OS_USER_DOMAIN_NAME", "Default");
    env.put("OS_PROJECT_DOMAIN_NAME", "Default");
    return env;
  }

  private static ObjectStore open(Map<String, String> env) {
    return SwiftObjectStoreProvider.open(URI_, StoreSettings.EMPTY, env);
  }

  @Test
  void theOsVariablesAuthenticateWithKeystoneAndUseTheCatalogsObjectStore() throws IOException {
    try (ObjectStore s = open(osVariables(PASSWORD))) {
      byte[] data = "through keystone".getBytes(StandardCharsets.UTF_8);
      s.put(
          "ks/a.txt",
          new ByteArrayInputStream(data),
          data.length,
          PutOptions.of("text/plain", Map.of("via", "keystone")));
      ObjectInfo head = s.head("ks/a.txt");
      assertEquals("keystone", head.metadata().get("via"));
      try (InputStream in = s.read("ks/a.txt", null, null)) {
        assertArrayEquals(data, in.readAllBytes());
      }
      assertEquals(List.of("ks/a.txt"), s.listAllToList("ks/").stream().map(o -> o.key()).toList());
      s.delete("ks/a.txt");
    }
    assertEquals(1, requests.size(), "one token for all of it");
  }

  @Test
  void storeSettingsTakeThePlaceOfTheVariables() {
    StoreSettings settings =
        StoreSettings.of(
            Map.of("auth-url", authUrl(), "user", "demo", "key", PASSWORD, "project", "demo"));
    try (ObjectStore s = SwiftObjectStoreProvider.open(URI_, settings, Map.of())) {
      s.put("ks/b", new ByteArrayInputStream(new byte[] {1}), 1, PutOptions.DEFAULT);
      assertEquals(1, s.head("ks/b").size());
      s.delete("ks/b");
    }
    assertEquals(1, requests.size());
  }

  @Test
  void aTokenSwiftNoLongerAcceptsIsRenewedOnce() throws IOException {
    try (ObjectStore s = open(osVariables(PASSWORD))) {
      s.put("ks/c", new ByteArrayInputStream(new byte[] {1, 2}), 2, PutOptions.DEFAULT);
      assertEquals(1, requests.size());
      swift.forgetTokens(); // Swift answers the old token with 401
      assertEquals(2, s.head("ks/c").size());
      assertEquals(2, requests.size(), "the 401 made the connector ask Keystone again");
      assertEquals(2, s.head("ks/c").size());
      assertEquals(2, requests.size(), "the new token is kept");
      s.delete("ks/c");
    }
  }

  @Test
  void aTokenAboutToExpireIsRenewedBeforeItIsUsed() {
    try (ObjectStore s = open(osVariables(PASSWORD))) {
      s.put("ks/d", new ByteArrayInputStream(new byte[] {1}), 1, PutOptions.DEFAULT);
    }
    requests.clear();
    lifetime = Duration.ofSeconds(30); // inside the connector's margin of a minute
    try (ObjectStore s = open(osVariables(PASSWORD))) {
      s.head("ks/d");
      assertEquals(1, requests.size());
      lifetime = Duration.ofHours(1);
      s.head("ks/d");
      assertEquals(2, requests.size(), "the expiring token was replaced");
      s.head("ks/d");
      assertEquals(2, requests.size());
      s.delete("ks/d");
    }
  }

  @Test
  void aWrongPasswordIsRefusedWithoutShowingIt() {
    String wrong = "not-the-password-x91";
    try (ObjectStore s = open(osVariables(wrong))) {
      AccessDeniedException e = assertThrows(AccessDeniedException.class, () -> s.head("x"));
      assertFalse(e.getMessage().contains(wrong), e.getMessage());
      assertTrue(e.getMessage().contains("'demo'"), e.getMessage());
      assertTrue(e.getMessage().contains("OS_PASSWORD"), e.getMessage());
    }
  }

  @Test
  void withoutAProjectTheMessageNamesTheVariables() {
    Map<String, String> env = osVariables(PASSWORD);
    env.remove("OS_PROJECT_NAME");
    Exception e = assertThrows(Exception.class, () -> open(env));
    assertTrue(e.getMessage().contains("OS_PROJECT_NAME"), e.getMessage());
    assertTrue(e.getMessage().contains("missing: project"), e.getMessage());
  }
}
