package io.skyrelay.connectors.s3;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import software.amazon.awssdk.awscore.endpoints.AwsEndpointAttribute;
import software.amazon.awssdk.awscore.endpoints.authscheme.SigV4AuthScheme;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.endpoints.Endpoint;
import software.amazon.awssdk.http.AbortableInputStream;
import software.amazon.awssdk.http.ContentStreamProvider;
import software.amazon.awssdk.http.HttpExecuteRequest;
import software.amazon.awssdk.http.HttpExecuteResponse;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.SdkHttpFullRequest;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.http.SdkHttpResponse;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4HttpSigner;
import software.amazon.awssdk.identity.spi.AwsCredentialsIdentity;
import software.amazon.awssdk.identity.spi.IdentityProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.endpoints.S3EndpointParams;
import software.amazon.awssdk.services.s3.endpoints.S3EndpointProvider;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.utils.DateUtils;
import software.amazon.awssdk.utils.http.SdkHttpUtils;

/**
 * The per-object S3 requests (GET, HEAD, PUT, DELETE and CopyObject of one object) sent straight
 * through the SDK's HTTP client and SigV4 signer, without the SDK's request pipeline.
 *
 * <p>For a copy of many small objects that pipeline (interceptors, endpoint and auth-scheme rules
 * run per request, model marshalling and XML unmarshalling, metric collection) costs more client
 * CPU than the HTTP exchange itself. The requests sent here are the ones the SDK sends: the same
 * URL (resolved once per bucket by the SDK's own endpoint rules), the same headers, signed by the
 * SDK's signer with {@code UNSIGNED-PAYLOAD}, over the same pooled HTTP client. Failures become the
 * same {@link S3Exception}s (status, error code, message, request id) or {@link
 * SdkClientException}s the SDK would throw, so callers translate them alike. Listing, multipart
 * uploads and batch deletes stay with the SDK client: they are few per job.
 *
 * <p>Used only where the payload is not signed ({@code sign-payload: false}, the default) and the
 * endpoint rules give plain SigV4 for service {@code s3}; store setting {@code direct-requests:
 * false} sends everything through the SDK client.
 */
final class S3Wire {

  private static final String USER_AGENT = "skyrelay/0.1 (direct; aws-sdk-java-v2 signer)";
  private static final int MAX_ERROR_BODY = 64 * 1024;
  private static final Pattern CODE = Pattern.compile("<Code>([^<]*)</Code>");
  private static final Pattern MESSAGE = Pattern.compile("<Message>([^<]*)</Message>");
  private static final Pattern REQUEST_ID = Pattern.compile("<RequestId>([^<]*)</RequestId>");
  private static final Pattern ETAG = Pattern.compile("<ETag>([^<]*)</ETag>");

  private final SdkHttpClient http;
  private final IdentityProvider<? extends AwsCredentialsIdentity> credentials;
  private final Region region;
  private final String endpointOverride;
  private final boolean pathStyle;
  private final boolean requesterPays;
  private final AwsV4HttpSigner signer = new UnsignedPayloadAuthScheme().signer();
  private final Map<String, URI> bucketUrls = new ConcurrentHashMap<>();

  S3Wire(
      SdkHttpClient http,
      IdentityProvider<? extends AwsCredentialsIdentity> credentials,
      Region region,
      String endpointOverride,
      boolean pathStyle,
      boolean requesterPays) {
    this.http = http;
    this.credentials = credentials;
    this.region = region;
    this.endpointOverride = endpointOverride;
    this.pathStyle = pathStyle;
    this.requesterPays = requesterPays;
  }

  /**
   * Whether the SDK's endpoint rules give this bucket a plain URL signed with SigV4 for {@code s3}
   * in the configured region (not S3 Express, an access point or an Outpost); asked once per
   * bucket.
   */
  boolean handles(String bucket) {
    try {
      return bucketUrl(bucket) != null;
    } catch (RuntimeException e) {
      return false;
    }
  }

  private URI bucketUrl(String bucket) {
    return bucketUrls.computeIfAbsent(
        bucket,
        b -> {
          S3EndpointParams.Builder p =
              S3EndpointParams.builder().bucket(b).region(region).forcePathStyle(pathStyle);
          if (endpointOverride != null) {
            p.endpoint(endpointOverride);
          }
          Endpoint e = S3EndpointProvider.defaultProvider().resolveEndpoint(p.build()).join();
          var schemes = e.attribute(AwsEndpointAttribute.AUTH_SCHEMES);
          if (schemes != null) {
            for (var s : schemes) {
              if (!(s instanceof SigV4AuthScheme v4)
                  || !"s3".equals(v4.signingName())
                  || (v4.signingRegion() != null && !v4.signingRegion().equals(region.id()))) {
                throw new IllegalStateException("not plain SigV4 for s3: " + s);
              }
            }
          }
          if (!e.headers().isEmpty()) {
            throw new IllegalStateException("endpoint asks for headers " + e.headers().keySet());
          }
          String url = e.url().toString();
          return URI.create(url.endsWith("/") ? url.substring(0, url.length() - 1) : url);
        });
  }

  // ---- operations ---------------------------------------------------------------------------

  /** Headers of a GET or HEAD, with the body of a GET (to be closed by the caller). */
  record Response(SdkHttpResponse headers, InputStream body) {

    String header(String name) {
      return headers.firstMatchingHeader(name).orElse(null);
    }

    /** A numeric header S3 always sends; a reply without it is refused as the SDK would. */
    long longHeader(String name) {
      String v = header(name);
      if (v == null) {
        throw SdkClientException.create("the store's reply has no " + name + " header");
      }
      try {
        return Long.parseLong(v.trim());
      } catch (NumberFormatException e) {
        throw SdkClientException.create("the store's reply has " + name + ": " + v, e);
      }
    }

    Instant lastModified() {
      String v = header("Last-Modified");
      try {
        return v == null ? null : DateUtils.parseRfc1123Date(v);
      } catch (RuntimeException unparsable) {
        return null;
      }
    }

    /** The user metadata, {@code x-amz-meta-} taken off the header names. */
    Map<String, String> metadata() {
      Map<String, String> md = new HashMap<>();
      headers
          .headers()
          .forEach(
              (name, values) -> {
                if (name.length() > 11
                    && name.regionMatches(true, 0, "x-amz-meta-", 0, 11)
                    && !values.isEmpty()) {
                  md.put(name.substring(11), values.get(0));
                }
              });
      return md;
    }
  }

  Response get(String bucket, String key, String range, String ifMatch) {
    SdkHttpFullRequest.Builder r = request(SdkHttpMethod.GET, bucket, key);
    if (range != null) {
      r.putHeader("Range", range);
    }
    if (ifMatch != null) {
      r.putHeader("If-Match", ifMatch);
    }
    HttpExecuteResponse resp = execute(r, null, false);
    return new Response(
        resp.httpResponse(), resp.responseBody().orElse(AbortableInputStream.createEmpty()));
  }

  Response head(String bucket, String key) {
    HttpExecuteResponse resp = execute(request(SdkHttpMethod.HEAD, bucket, key), null, true);
    return new Response(resp.httpResponse(), InputStream.nullInputStream());
  }

  /** Returns the ETag as the store sent it; {@code writeHeaders} go with the request. */
  String put(
      String bucket,
      String key,
      InputStream content,
      long length,
      String contentType,
      Map<String, String> metadata,
      String contentMd5Base64,
      boolean ifNoneMatch,
      Map<String, String> writeHeaders) {
    SdkHttpFullRequest.Builder r = request(SdkHttpMethod.PUT, bucket, key);
    r.putHeader("Content-Length", Long.toString(length));
    r.putHeader("Content-Type", contentType == null ? "application/octet-stream" : contentType);
    metadata.forEach((k, v) -> r.putHeader("x-amz-meta-" + k, v));
    if (contentMd5Base64 != null) {
      r.putHeader("Content-MD5", contentMd5Base64);
    }
    if (ifNoneMatch) {
      r.putHeader("If-None-Match", "*");
    }
    writeHeaders.forEach(r::putHeader);
    InputStream exact = new ExactLength(content, length);
    HttpExecuteResponse resp = execute(r, () -> exact, true);
    return resp.httpResponse().firstMatchingHeader("ETag").orElse(null);
  }

  void delete(String bucket, String key) {
    execute(request(SdkHttpMethod.DELETE, bucket, key), null, true);
  }

  /**
   * CopyObject; returns the new object's ETag as the store sent it. {@code replaceMetadata} null
   * copies the source's metadata and content type; {@code writeHeaders} (storage class, encryption,
   * ACL) are the target's own.
   */
  String copy(
      String sourceBucket,
      String sourceKey,
      String bucket,
      String key,
      String ifMatch,
      Map<String, String> replaceMetadata,
      String contentType,
      Map<String, String> writeHeaders) {
    SdkHttpFullRequest.Builder r = request(SdkHttpMethod.PUT, bucket, key);
    writeHeaders.forEach(r::putHeader);
    r.putHeader(
        "x-amz-copy-source",
        SdkHttpUtils.urlEncodeIgnoreSlashes(sourceBucket)
            + "/"
            + SdkHttpUtils.urlEncodeIgnoreSlashes(sourceKey));
    if (ifMatch != null) {
      r.putHeader("x-amz-copy-source-if-match", ifMatch);
    }
    if (replaceMetadata != null) {
      r.putHeader("x-amz-metadata-directive", "REPLACE");
      replaceMetadata.forEach((k, v) -> r.putHeader("x-amz-meta-" + k, v));
      if (contentType != null) {
        r.putHeader("Content-Type", contentType);
      }
    }
    HttpExecuteResponse resp = execute(r, null, false);
    // S3 may answer 200 and then report a failure in the body; the result is read whole.
    String body = readAtMost(resp, MAX_ERROR_BODY);
    if (body.contains("<Error>")) {
      throw error(resp.httpResponse(), body, 500);
    }
    Matcher etag = ETAG.matcher(body);
    if (!etag.find()) {
      throw SdkClientException.create(
          "CopyObject answered without an ETag (status " + resp.httpResponse().statusCode() + ")");
    }
    return unescape(etag.group(1));
  }

  /** The first {@code length} bytes of a stream, refused when it ends before them. */
  private static final class ExactLength extends java.io.FilterInputStream {
    private long left;

    ExactLength(InputStream in, long length) {
      super(in);
      this.left = length;
    }

    @Override
    public int read() throws IOException {
      byte[] one = new byte[1];
      return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      if (left == 0) {
        return -1;
      }
      int n = in.read(b, off, (int) Math.min(len, left));
      if (n < 0) {
        // the SDK's word for content that ended before its length
        throw new IllegalStateException("the content ended " + left + " bytes before its length");
      }
      left -= n;
      return n;
    }
  }

  // ---- the exchange -------------------------------------------------------------------------

  private SdkHttpFullRequest.Builder request(SdkHttpMethod method, String bucket, String key) {
    URI base = bucketUrl(bucket);
    SdkHttpFullRequest.Builder r =
        SdkHttpFullRequest.builder()
            .method(method)
            .uri(base)
            .encodedPath(base.getRawPath() + "/" + SdkHttpUtils.urlEncodeIgnoreSlashes(key))
            .putHeader("User-Agent", USER_AGENT);
    if (requesterPays) {
      r.putHeader("x-amz-request-payer", "requester");
    }
    return r;
  }

  /**
   * Signs and sends; a status other than 2xx becomes the {@link S3Exception} the SDK would throw.
   * {@code drain} reads and closes a body the caller does not want, so the connection is reused.
   */
  private HttpExecuteResponse execute(
      SdkHttpFullRequest.Builder request, ContentStreamProvider body, boolean drain) {
    SdkHttpRequest signed;
    try {
      AwsCredentialsIdentity identity = credentials.resolveIdentity().join();
      SdkHttpRequest unsigned = request.build();
      signed =
          signer
              .sign(
                  s ->
                      s.identity(identity)
                          .request(unsigned)
                          .payload(null)
                          .putProperty(AwsV4HttpSigner.SERVICE_SIGNING_NAME, "s3")
                          .putProperty(AwsV4HttpSigner.REGION_NAME, region.id())
                          .putProperty(AwsV4HttpSigner.PAYLOAD_SIGNING_ENABLED, false)
                          .putProperty(AwsV4HttpSigner.CHUNK_ENCODING_ENABLED, false)
                          .putProperty(AwsV4HttpSigner.DOUBLE_URL_ENCODE, false)
                          .putProperty(AwsV4HttpSigner.NORMALIZE_PATH, false))
              .request();
    } catch (RuntimeException e) {
      throw e instanceof SdkClientException sce
          ? sce
          : SdkClientException.create("Unable to sign the request: " + e.getMessage(), e);
    }
    HttpExecuteResponse resp;
    try {
      resp =
          http.prepareRequest(
                  HttpExecuteRequest.builder().request(signed).contentStreamProvider(body).build())
              .call();
    } catch (IOException e) {
      throw SdkClientException.create("Unable to execute HTTP request: " + e.getMessage(), e);
    }
    int status = resp.httpResponse().statusCode();
    if (status / 100 != 2) {
      throw error(resp.httpResponse(), readAtMost(resp, MAX_ERROR_BODY), status);
    }
    if (drain) {
      readAtMost(resp, Integer.MAX_VALUE);
    }
    return resp;
  }

  private static String readAtMost(HttpExecuteResponse resp, int limit) {
    if (resp.responseBody().isEmpty()) {
      return "";
    }
    try (InputStream in = resp.responseBody().get()) {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      byte[] buf = new byte[8192];
      int n;
      while ((n = in.read(buf)) >= 0) {
        if (out.size() < limit) {
          out.write(buf, 0, Math.min(n, limit - out.size()));
        }
      }
      return out.toString(StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The SDK's exception for an S3 error reply; HEAD replies have no body, so the code is made. */
  private static S3Exception error(SdkHttpResponse response, String body, int status) {
    String code = find(CODE, body);
    String message = find(MESSAGE, body);
    if (code == null) {
      code =
          switch (response.statusCode()) {
            case 304 -> "NotModified";
            case 400 -> "BadRequest";
            case 403 -> "Forbidden";
            case 404 -> "NotFound";
            case 412 -> "PreconditionFailed";
            default -> response.statusText().orElse(String.valueOf(response.statusCode()));
          };
    }
    String requestId =
        response.firstMatchingHeader("x-amz-request-id").orElseGet(() -> find(REQUEST_ID, body));
    String text = message == null ? code : message;
    return (S3Exception)
        S3Exception.builder()
            .statusCode(status)
            .requestId(requestId)
            .extendedRequestId(response.firstMatchingHeader("x-amz-id-2").orElse(null))
            .message(
                text + " (Service: S3, Status Code: " + status + ", Request ID: " + requestId + ")")
            .awsErrorDetails(
                AwsErrorDetails.builder()
                    .errorCode(code)
                    .errorMessage(text)
                    .serviceName("S3")
                    .sdkHttpResponse(response)
                    .build())
            .build();
  }

  private static String find(Pattern p, String body) {
    Matcher m = p.matcher(body);
    return m.find() ? unescape(m.group(1)) : null;
  }

  private static String unescape(String xml) {
    if (xml.indexOf('&') < 0) {
      return xml;
    }
    return xml.replace("&quot;", "\"")
        .replace("&apos;", "'")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&#34;", "\"")
        .replace("&amp;", "&");
  }
}
