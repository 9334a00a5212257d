package io.skyrelay.connectors.swift;

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

/**
 * A Swift token and storage URL, from Swift's v1.0 authentication (tempauth, swauth, and Keystone
 * deployments that keep the v1.0 endpoint: a GET of the auth URL with {@code X-Auth-User} and
 * {@code X-Auth-Key} answers with the storage URL and a token) or from Keystone v3 ({@link
 * SwiftKeystone}). The token is kept until it is near the expiry the server announced, or until a
 * request is refused with 401, and then fetched again.
 */
final class SwiftAuth {

  /** Renew a token this long before the expiry the server announced. */
  private static final Duration MARGIN = Duration.ofSeconds(60);

  /**
   * A storage URL and the token valid for it.
   *
   * @param storageUrl {@code http://host:port/v1/AUTH_account}, without a trailing slash
   * @param token the {@code X-Auth-Token}
   * @param expires when the server said the token expires, or {@link Instant#MAX}
   */
  record Session(String storageUrl, String token, Instant expires) {}

  private final HttpClient http;
  private final URI authUrl;
  private final String user;
  private final String key;
  private final String account;
  private final SwiftKeystone keystone;
  private Session session;

  /**
   * @param account the account of the store's URI; when the storage URL the server returns names
   *     another account (a reseller admin reaching a user's account), its last segment is replaced
   */
  SwiftAuth(HttpClient http, URI authUrl, String user, String key, String account) {
    this.http = http;
    this.authUrl = authUrl;
    this.user = user;
    this.key = key;
    this.account = account;
    this.keystone = null;
    Redactor.registerSecret(key);
  }

  /** Keystone v3 authentication; the catalog's storage URL gets {@code account} as above. */
  SwiftAuth(HttpClient http, SwiftKeystone keystone, String account) {
    this.http = http;
    this.authUrl = keystone.authUrl();
    this.user = keystone.user();
    this.key = keystone.password();
    this.account = account;
    this.keystone = keystone;
  }

  /** The current session, authenticating first when there is none or it is about to expire. */
  synchronized Session current() {
    if (session == null || Instant.now().plus(MARGIN).isAfter(session.expires())) {
      session = authenticate();
    }
    return session;
  }

  /** A new session, unless another thread already replaced {@code stale}. */
  synchronized Session renew(Session stale) {
    if (session == null || session.token().equals(stale.token())) {
      session = authenticate();
    }
    return session;
  }

  URI authUrl() {
    return authUrl;
  }

  private Session authenticate() {
    if (keystone != null) {
      Session s = keystone.authenticate(http);
      return new Session(withAccount(s.storageUrl()), s.token(), s.expires());
    }
    HttpRequest request =
        HttpRequest.newBuilder(authUrl)
            .timeout(Duration.ofSeconds(60))
            .header("X-Auth-User", user)
            .header("X-Auth-Key", key)
            .GET()
            .build();
    HttpResponse<String> response = exchange(http, request, "Swift");
    int status = response.statusCode();
    if (status == 401 || status == 403) {
      throw new AccessDeniedException(
          "Swift at "
              + authUrl
              + " refused user '"
              + user
              + "' and its key ("
              + status
              + "); check the user (account:user for tempauth) and key settings, or ST_USER and"
              + " ST_KEY");
    }
    if (status / 100 != 2) {
      String what = "authenticating with Swift at " + authUrl + ": HTTP " + status;
      if (status >= 500) {
        throw new TransientStoreException(what);
      }
      throw new AccessDeniedException(
          what
              + "; check that auth-url (or ST_AUTH) is the v1.0 auth endpoint, like"
              + " http://host:8080/auth/v1.0");
    }
    String token = response.headers().firstValue("X-Auth-Token").orElse(null);
    String storage = response.headers().firstValue("X-Storage-Url").orElse(null);
    if (token == null || storage == null) {
      throw new AccessDeniedException(
          authUrl
              + " answered without X-Auth-Token and X-Storage-Url; is it a Swift v1.0 auth URL?");
    }
    Redactor.registerSecret(token);
    Instant expires =
        response
            .headers()
            .firstValue("X-Auth-Token-Expires")
            .map(s -> Instant.now().plusSeconds((long) Double.parseDouble(s.trim())))
            .orElse(Instant.MAX);
    return new Session(withAccount(storage), token, expires);
  }

  /** {@code storageUrl} with its account replaced by the URI's, without a trailing slash. */
  String withAccount(String storageUrl) {
    String s = storageUrl;
    while (s.endsWith("/")) {
      s = s.substring(0, s.length() - 1);
    }
    int slash = s.lastIndexOf('/');
    return s.substring(0, slash + 1) + SwiftPaths.encode(account);
  }

  /**
   * Sends an authentication request; a failure to reach {@code service} is transient (the caller
   * retries), and its message names the URL the request went to.
   */
  static HttpResponse<String> exchange(HttpClient http, HttpRequest request, String service) {
    try {
      return http.send(request, HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new TransientStoreException(
          "authenticating with " + service + " at " + request.uri() + ": " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new TransientStoreException(
          "interrupted while authenticating with " + request.uri(), e);
    }
  }
}
