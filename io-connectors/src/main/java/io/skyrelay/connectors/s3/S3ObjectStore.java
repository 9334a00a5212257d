package io.skyrelay.connectors.s3;

import static io.skyrelay.connectors.s3.S3Etags.md5Of;
import static io.skyrelay.connectors.s3.S3Etags.unquote;

import io.skyrelay.connectors.BatchDeleteResult;
import io.skyrelay.connectors.ByteRange;
import io.skyrelay.connectors.ConditionalDelete;
import io.skyrelay.connectors.InvalidKeyException;
import io.skyrelay.connectors.ListPage;
import io.skyrelay.connectors.ListRequest;
import io.skyrelay.connectors.MultipartUploads;
import io.skyrelay.connectors.ObjectContent;
import io.skyrelay.connectors.ObjectInfo;
import io.skyrelay.connectors.ObjectStore;
import io.skyrelay.connectors.PutOptions;
import io.skyrelay.connectors.Retrier;
import io.skyrelay.connectors.ServerSideCopy;
import io.skyrelay.connectors.StoreException;
import io.skyrelay.connectors.StoreUri;
import io.skyrelay.connectors.WriteResult;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.CommonPrefix;
import software.amazon.awssdk.services.s3.model.Delete;
import software.amazon.awssdk.services.s3.model.DeleteObjectsResponse;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Response;
import software.amazon.awssdk.services.s3.model.ObjectIdentifier;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * One S3 bucket. ETags are reported without quotes; for objects written in one request they are the
 * content's MD5, which is reported as {@link ObjectInfo#md5()}. Multipart uploads follow S3's
 * limits: parts of 5 MiB to 5 GiB (the last may be smaller), at most 10,000 of them.
 */
public final class S3ObjectStore implements ObjectStore {

  private final String bucket;
  private final S3Client s3;
  private final String endpointIdentity;
  private final boolean ownsClient;
  private final AutoCloseable httpClient;
  private final Retrier retrier = Retrier.DEFAULT;
  private final S3Errors errors;
  private final S3Requests requests;
  private final S3MultipartUploads uploads;
  private final S3Copies copies;
  private final S3WriteSettings writes;

  /**
   * @param endpointIdentity endpoint and credential identity; two stores with the same identity can
   *     copy between each other server-side
   */
  public S3ObjectStore(String bucket, S3Client s3, String endpointIdentity, boolean ownsClient) {
    this(bucket, s3, endpointIdentity, ownsClient, null, null, S3WriteSettings.NONE);
  }

  /**
   * @param wire sends the per-object requests without the SDK's request pipeline; null sends them
   *     through {@code s3}
   * @param httpClient closed with this store when it owns its client (the one {@code s3} and {@code
   *     wire} share), or null
   * @param writes headers of every write, and whether the requester pays
   */
  S3ObjectStore(
      String bucket,
      S3Client s3,
      String endpointIdentity,
      boolean ownsClient,
      S3Wire wire,
      AutoCloseable httpClient,
      S3WriteSettings writes) {
    this.bucket = bucket;
    this.s3 = s3;
    this.endpointIdentity = endpointIdentity;
    this.ownsClient = ownsClient;
    this.httpClient = httpClient;
    this.errors = new S3Errors(bucket);
    this.writes = writes;
    SdkS3Requests sdk = new SdkS3Requests(bucket, s3, retrier, errors, writes.writeHeaders());
    this.requests =
        wire != null && wire.handles(bucket)
            ? new DirectS3Requests(bucket, wire, sdk, retrier, errors, writes.writeHeaders())
            : sdk;
    this.uploads = new S3MultipartUploads(this, bucket, s3, retrier, errors, writes.writeHeaders());
    this.copies = new S3Copies(this, requests);
  }

  /** Whether GET, HEAD, PUT, DELETE and CopyObject of single objects bypass the SDK pipeline. */
  boolean sendsDirectRequests() {
    return requests instanceof DirectS3Requests;
  }

  String bucket() {
    return bucket;
  }

  @Override
  public StoreUri root() {
    return new StoreUri("s3", null, bucket, "");
  }

  static void checkKey(String key) {
    if (key == null || key.isEmpty()) {
      throw new InvalidKeyException("object key is empty");
    }
    if (key.getBytes(StandardCharsets.UTF_8).length > 1024) {
      throw new InvalidKeyException(
          "key '" + key.substring(0, 60) + "...' is longer than S3's limit of 1024 UTF-8 bytes");
    }
  }

  // ---- required operations ------------------------------------------------------------------

  @Override
  public ListPage list(ListRequest request) {
    ListObjectsV2Response r =
        retrier.call(
            "listing s3://" + bucket + "/" + request.prefix(),
            () ->
                s3.listObjectsV2(
                    b -> {
                      b.bucket(bucket).prefix(request.prefix()).maxKeys(request.maxKeys());
                      if (request.delimiter() != null) {
                        b.delimiter(request.delimiter());
                      }
                      if (request.pageToken() != null) {
                        b.continuationToken(request.pageToken());
                      } else if (request.startAfter() != null) {
                        b.startAfter(request.startAfter());
                      }
                    }),
            e -> errors.translate(e, "listing s3://" + bucket + "/" + request.prefix(), null));
    List<ObjectInfo> objects = new ArrayList<>(r.contents().size());
    for (S3Object o : r.contents()) {
      String etag = unquote(o.eTag());
      objects.add(
          new ObjectInfo(
              o.key(),
              o.size(),
              etag,
              o.lastModified(),
              writes.etagsAreNotMd5() ? null : md5Of(etag),
              null,
              Map.of(),
              o.storageClassAsString()));
    }
    List<String> prefixes = r.commonPrefixes().stream().map(CommonPrefix::prefix).toList();
    return new ListPage(
        objects, prefixes, Boolean.TRUE.equals(r.isTruncated()) ? r.nextContinuationToken() : null);
  }

  @Override
  public ObjectInfo head(String key) {
    checkKey(key);
    return requests.head(key);
  }

  @Override
  public InputStream read(String key, ByteRange range, String ifMatch) {
    checkKey(key);
    return requests.read(key, range, ifMatch);
  }

  @Override
  public ObjectContent open(String key, ByteRange range, String ifMatch) {
    checkKey(key);
    return requests.open(key, range, ifMatch);
  }

  /** The object's size from a ranged GET's Content-Range ({@code bytes 0-9/1234}). */
  static long sizeFromContentRange(String contentRange, long fallback) {
    if (contentRange != null) {
      int slash = contentRange.lastIndexOf('/');
      if (slash >= 0 && !contentRange.endsWith("*")) {
        return Long.parseLong(contentRange.substring(slash + 1).trim());
      }
    }
    return fallback;
  }

  @Override
  public WriteResult put(String key, InputStream content, long length, PutOptions options) {
    checkKey(key);
    String md5 =
        options.md5() == null
            ? null
            : Base64.getEncoder().encodeToString(HexFormat.of().parseHex(options.md5()));
    return requests.put(key, content, length, options, md5);
  }

  @Override
  public void delete(String key) {
    checkKey(key);
    requests.delete(key);
  }

  /** DeleteObject with If-Match, which AWS S3 and S3Proxy answer with 412 if the ETag differs. */
  @Override
  public Optional<ConditionalDelete> conditionalDelete() {
    return Optional.of(
        (key, etag) -> {
          checkKey(key);
          retrier.call(
              "delete " + key + " if its ETag is " + etag,
              () -> s3.deleteObject(b -> b.bucket(bucket).key(key).ifMatch("\"" + etag + "\"")),
              e -> errors.translate(e, "deleting", key));
        });
  }

  @Override
  public BatchDeleteResult deleteAll(Collection<String> keys) {
    Map<String, String> failed = new HashMap<>();
    int deleted = 0;
    List<String> all = new ArrayList<>(keys);
    for (int i = 0; i < all.size(); i += 1000) {
      List<ObjectIdentifier> batch =
          all.subList(i, Math.min(all.size(), i + 1000)).stream()
              .map(k -> ObjectIdentifier.builder().key(k).build())
              .toList();
      DeleteObjectsResponse r =
          retrier.call(
              "batch delete in s3://" + bucket,
              () ->
                  s3.deleteObjects(
                      b ->
                          b.bucket(bucket)
                              .delete(Delete.builder().objects(batch).quiet(false).build())),
              e ->
                  errors.translate(e, "deleting a batch of " + batch.size() + " objects in", null));
      deleted += r.deleted().size();
      r.errors().forEach(err -> failed.put(err.key(), err.code() + ": " + err.message()));
    }
    return new BatchDeleteResult(deleted, failed);
  }

  // ---- optional abilities ------------------------------------------------------------------

  @Override
  public Optional<ServerSideCopy> serverSideCopy() {
    return Optional.of(copies);
  }

  @Override
  public Optional<MultipartUploads> multipart() {
    return Optional.of(uploads);
  }

  /** Whether {@code source} is on the same endpoint with the same credentials. */
  boolean sameEndpoint(ObjectStore source) {
    return source instanceof S3ObjectStore other && other.endpointIdentity.equals(endpointIdentity);
  }

  S3ObjectStore requireSameEndpoint(ObjectStore source) {
    if (!sameEndpoint(source)) {
      throw new IllegalArgumentException(
          "server-side copy into s3://"
              + bucket
              + " needs a source on the same S3 endpoint with the same credentials, not "
              + source.root());
    }
    return (S3ObjectStore) source;
  }

  @Override
  public void close() {
    if (ownsClient) {
      s3.close();
      if (httpClient != null) {
        try {
          httpClient.close();
        } catch (Exception e) {
          throw new StoreException("closing the HTTP client of s3://" + bucket + ": " + e, e);
        }
      }
    }
  }
}
