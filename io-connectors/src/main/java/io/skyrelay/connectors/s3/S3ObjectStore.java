package io.skyrelay.connectors.s3;

import io.skyrelay.connectors.AccessDeniedException;
import io.skyrelay.connectors.BatchDeleteResult;
import io.skyrelay.connectors.ByteRange;
import io.skyrelay.connectors.CompletedPart;
import io.skyrelay.connectors.InvalidKeyException;
import io.skyrelay.connectors.ListPage;
import io.skyrelay.connectors.ListRequest;
import io.skyrelay.connectors.MultipartUploads;
import io.skyrelay.connectors.ObjectContent;
import io.skyrelay.connectors.ObjectInfo;
import io.skyrelay.connectors.ObjectNotFoundException;
import io.skyrelay.connectors.ObjectStore;
import io.skyrelay.connectors.PartLimits;
import io.skyrelay.connectors.PreconditionFailedException;
import io.skyrelay.connectors.PutOptions;
import io.skyrelay.connectors.Retrier;
import io.skyrelay.connectors.ServerSideCopy;
import io.skyrelay.connectors.StoreException;
import io.skyrelay.connectors.StoreUri;
import io.skyrelay.connectors.ThrottledException;
import io.skyrelay.connectors.TransientStoreException;
import io.skyrelay.connectors.UploadHandle;
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
import software.amazon.awssdk.core.ResponseInputStream;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.CommonPrefix;
import software.amazon.awssdk.services.s3.model.CompletedMultipartUpload;
import software.amazon.awssdk.services.s3.model.CopyObjectResponse;
import software.amazon.awssdk.services.s3.model.Delete;
import software.amazon.awssdk.services.s3.model.DeleteObjectsResponse;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.ListMultipartUploadsResponse;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Response;
import software.amazon.awssdk.services.s3.model.MetadataDirective;
import software.amazon.awssdk.services.s3.model.MultipartUpload;
import software.amazon.awssdk.services.s3.model.ObjectIdentifier;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.S3Object;
import software.amazon.awssdk.services.s3.model.UploadPartCopyResponse;

/**
 * One S3 bucket. ETags are reported without quotes; for objects written in one request they are the
 * content's MD5, which is reported as {@link ObjectInfo#md5()}. Multipart uploads follow S3's
 * limits: parts of 5 MiB to 5 GiB (the last may be smaller), at most 10,000 of them.
 */
public final class S3ObjectStore implements ObjectStore, MultipartUploads, ServerSideCopy {

  static final long MIN_PART = 5L << 20;
  static final long MAX_PART = 5L << 30;
  static final long MAX_COPY = 5L << 30;

  private final String bucket;
  private final S3Client s3;
  private final String endpointIdentity;
  private final boolean ownsClient;
  private final S3Wire wire;
  private final AutoCloseable httpClient;
  private final Retrier retrier = Retrier.DEFAULT;

  /**
   * @param endpointIdentity endpoint and credential identity; two stores with the same identity can
   *     copy between each other server-side
   */
  public S3ObjectStore(String bucket, S3Client s3, String endpointIdentity, boolean ownsClient) {
    this(bucket, s3, endpointIdentity, ownsClient, null, null);
  }

  /**
   * @param wire sends the per-object requests without the SDK's request pipeline; null sends them
   *     through {@code s3}
   * @param httpClient closed with this store when it owns its client (the one {@code s3} and {@code
   *     wire} share), or null
   */
  S3ObjectStore(
      String bucket,
      S3Client s3,
      String endpointIdentity,
      boolean ownsClient,
      S3Wire wire,
      AutoCloseable httpClient) {
    this.bucket = bucket;
    this.s3 = s3;
    this.endpointIdentity = endpointIdentity;
    this.ownsClient = ownsClient;
    this.wire = wire != null && wire.handles(bucket) ? wire : null;
    this.httpClient = httpClient;
  }

  /** Whether GET, HEAD, PUT, DELETE and CopyObject of single objects bypass the SDK pipeline. */
  boolean sendsDirectRequests() {
    return wire != null;
  }

  @Override
  public StoreUri root() {
    return new StoreUri("s3", null, bucket, "");
  }

  private static void checkKey(String key) {
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
                      }
                    }),
            e -> translate(e, "listing s3://" + bucket + "/" + request.prefix(), null));
    List<ObjectInfo> objects = new ArrayList<>(r.contents().size());
    for (S3Object o : r.contents()) {
      String etag = unquote(o.eTag());
      objects.add(
          new ObjectInfo(
              o.key(),
              o.size(),
              etag,
              o.lastModified(),
              md5Of(etag),
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
    if (wire != null) {
      return retrier.call(
          "head " + key,
          () -> {
            S3Wire.Response h = wire.head(bucket, key);
            return info(key, h, h.longHeader("Content-Length"));
          },
          e -> translate(e, "reading metadata of", key));
    }
    HeadObjectResponse h =
        retrier.call(
            "head " + key,
            () -> s3.headObject(b -> b.bucket(bucket).key(key)),
            e -> translate(e, "reading metadata of", key));
    String etag = unquote(h.eTag());
    return new ObjectInfo(
        key,
        h.contentLength(),
        etag,
        h.lastModified(),
        md5Of(etag, h.serverSideEncryptionAsString(), h.sseCustomerAlgorithm()),
        h.contentType(),
        h.metadata(),
        h.storageClassAsString());
  }

  @Override
  public InputStream read(String key, ByteRange range, String ifMatch) {
    if (wire != null) {
      return open(key, range, ifMatch).stream();
    }
    return sdkRead(key, range, ifMatch);
  }

  private InputStream sdkRead(String key, ByteRange range, String ifMatch) {
    checkKey(key);
    return retrier.call(
        "read " + key,
        () ->
            s3.getObject(
                b -> {
                  b.bucket(bucket).key(key);
                  if (range != null) {
                    b.range(range.httpHeader());
                  }
                  if (ifMatch != null) {
                    b.ifMatch(quote(ifMatch));
                  }
                }),
        e -> translate(e, "reading", key));
  }

  @Override
  public ObjectContent open(String key, ByteRange range, String ifMatch) {
    if (wire != null) {
      checkKey(key);
      return retrier.call(
          "read " + key,
          () -> {
            S3Wire.Response r =
                wire.get(
                    bucket,
                    key,
                    range == null ? null : range.httpHeader(),
                    ifMatch == null ? null : quote(ifMatch));
            try {
              long length = r.longHeader("Content-Length");
              long size =
                  range == null ? length : sizeFromContentRange(r.header("Content-Range"), length);
              return new ObjectContent(info(key, r, size), r.body());
            } catch (RuntimeException e) {
              r.body().close();
              throw e;
            }
          },
          e -> translate(e, "reading", key));
    }
    ResponseInputStream<GetObjectResponse> in =
        (ResponseInputStream<GetObjectResponse>) sdkRead(key, range, ifMatch);
    GetObjectResponse r = in.response();
    String etag = unquote(r.eTag());
    long size =
        range == null
            ? r.contentLength()
            : sizeFromContentRange(r.contentRange(), r.contentLength());
    return new ObjectContent(
        new ObjectInfo(
            key,
            size,
            etag,
            r.lastModified(),
            md5Of(etag, r.serverSideEncryptionAsString(), r.sseCustomerAlgorithm()),
            r.contentType(),
            r.metadata(),
            r.storageClassAsString()),
        in);
  }

  private static ObjectInfo info(String key, S3Wire.Response r, long size) {
    String etag = unquote(r.header("ETag"));
    return new ObjectInfo(
        key,
        size,
        etag,
        r.lastModified(),
        md5Of(
            etag,
            r.header("x-amz-server-side-encryption"),
            r.header("x-amz-server-side-encryption-customer-algorithm")),
        r.header("Content-Type"),
        r.metadata(),
        r.header("x-amz-storage-class"));
  }

  private static long sizeFromContentRange(String contentRange, long fallback) {
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
    try {
      if (wire != null) {
        String etag =
            wire.put(
                bucket,
                key,
                content,
                length,
                options.contentType(),
                options.metadata(),
                md5,
                options.ifNoneMatch());
        return new WriteResult(key, length, unquote(etag));
      }
      var r =
          s3.putObject(
              b -> {
                b.bucket(bucket).key(key).contentLength(length).metadata(options.metadata());
                if (options.contentType() != null) {
                  b.contentType(options.contentType());
                }
                if (options.ifNoneMatch()) {
                  b.ifNoneMatch("*");
                }
                if (md5 != null) {
                  // checked by the server: a body that differs is refused and nothing is written
                  b.contentMD5(md5);
                }
              },
              RequestBody.fromInputStream(content, length));
      return new WriteResult(key, length, unquote(r.eTag()));
    } catch (SdkException e) {
      throw translate(e, "writing", key);
    } catch (IllegalStateException e) {
      // the SDK's word for content that ended before its length
      throw new StoreException("writing " + key + ": " + e.getMessage(), e);
    }
  }

  @Override
  public void delete(String key) {
    checkKey(key);
    retrier.call(
        "delete " + key,
        () -> {
          if (wire != null) {
            wire.delete(bucket, key);
          } else {
            s3.deleteObject(b -> b.bucket(bucket).key(key));
          }
          return null;
        },
        e -> translate(e, "deleting", key));
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
              e -> translate(e, "deleting a batch of " + batch.size() + " objects in", null));
      deleted += r.deleted().size();
      r.errors().forEach(err -> failed.put(err.key(), err.code() + ": " + err.message()));
    }
    return new BatchDeleteResult(deleted, failed);
  }

  // ---- server-side copy ---------------------------------------------------------------------

  @Override
  public Optional<ServerSideCopy> serverSideCopy() {
    return Optional.of(this);
  }

  @Override
  public boolean canCopyFrom(ObjectStore source) {
    return source instanceof S3ObjectStore other && other.endpointIdentity.equals(endpointIdentity);
  }

  @Override
  public long maxCopySize() {
    return MAX_COPY;
  }

  @Override
  public WriteResult copy(
      ObjectStore source,
      String sourceKey,
      String targetKey,
      String ifMatch,
      Map<String, String> extraMetadata) {
    checkKey(targetKey);
    S3ObjectStore src = requireSameEndpoint(source);
    ObjectInfo srcInfo =
        extraMetadata == null || extraMetadata.isEmpty() ? null : src.head(sourceKey);
    // Extra metadata replaces the source's: its metadata and content type, with the extra added.
    Map<String, String> replace = null;
    if (srcInfo != null) {
      replace = new HashMap<>(srcInfo.metadata());
      replace.putAll(extraMetadata);
    }
    Map<String, String> metadata = replace;
    String contentType = srcInfo == null ? null : srcInfo.contentType();
    String etag =
        unquote(
            retrier.call(
                "copy " + sourceKey,
                () ->
                    wire != null && src.wire != null
                        ? wire.copy(
                            src.bucket,
                            sourceKey,
                            bucket,
                            targetKey,
                            ifMatch == null ? null : quote(ifMatch),
                            metadata,
                            contentType)
                        : sdkCopy(src, sourceKey, targetKey, ifMatch, metadata, contentType),
                e ->
                    translate(
                        e, "copying s3://" + src.bucket + "/" + sourceKey + " to", targetKey)));
    if (srcInfo != null && ifMatch != null && ifMatch.equals(srcInfo.etag())) {
      // The copy succeeded only if the source still had the ETag, so the size is the one read.
      return new WriteResult(targetKey, srcInfo.size(), etag);
    }
    // CopyObject does not report the size; a caller that needs it asks (one request fewer per
    // object when it does not).
    return new WriteResult(targetKey, WriteResult.UNKNOWN_SIZE, etag);
  }

  /** CopyObject through the SDK client; returns the ETag as the store sent it. */
  private String sdkCopy(
      S3ObjectStore src,
      String sourceKey,
      String targetKey,
      String ifMatch,
      Map<String, String> replaceMetadata,
      String contentType) {
    CopyObjectResponse r =
        s3.copyObject(
            b -> {
              b.sourceBucket(src.bucket)
                  .sourceKey(sourceKey)
                  .destinationBucket(bucket)
                  .destinationKey(targetKey);
              if (ifMatch != null) {
                b.copySourceIfMatch(quote(ifMatch));
              }
              if (replaceMetadata != null) {
                b.metadataDirective(MetadataDirective.REPLACE).metadata(replaceMetadata);
                if (contentType != null) {
                  b.contentType(contentType);
                }
              }
            });
    return r.copyObjectResult().eTag();
  }

  private S3ObjectStore requireSameEndpoint(ObjectStore source) {
    if (!canCopyFrom(source)) {
      throw new IllegalArgumentException(
          "server-side copy into s3://"
              + bucket
              + " needs a source on the same S3 endpoint with the same credentials, not "
              + source.root());
    }
    return (S3ObjectStore) source;
  }

  // ---- multi-part ---------------------------------------------------------------------------

  @Override
  public Optional<MultipartUploads> multipart() {
    return Optional.of(this);
  }

  private static final PartLimits PART_LIMITS = new PartLimits(MIN_PART, MAX_PART, 10_000);

  @Override
  public PartLimits partLimits() {
    return PART_LIMITS;
  }

  @Override
  public UploadHandle begin(String key, PutOptions options) {
    checkKey(key);
    var r =
        retrier.call(
            "begin upload " + key,
            () ->
                s3.createMultipartUpload(
                    b -> {
                      b.bucket(bucket).key(key).metadata(options.metadata());
                      if (options.contentType() != null) {
                        b.contentType(options.contentType());
                      }
                    }),
            e -> translate(e, "starting a multipart upload of", key));
    return new UploadHandle(key, r.uploadId(), options);
  }

  @Override
  public CompletedPart uploadPart(
      UploadHandle upload, int partNumber, InputStream content, long length) {
    try {
      var r =
          s3.uploadPart(
              b ->
                  b.bucket(bucket)
                      .key(upload.key())
                      .uploadId(upload.uploadId())
                      .partNumber(partNumber)
                      .contentLength(length),
              RequestBody.fromInputStream(content, length));
      String etag = unquote(r.eTag());
      return new CompletedPart(
          partNumber,
          etag,
          length,
          md5Of(etag, r.serverSideEncryptionAsString(), r.sseCustomerAlgorithm()));
    } catch (SdkException e) {
      throw translate(e, "uploading part " + partNumber + " of", upload.key());
    } catch (IllegalStateException e) {
      // the SDK's word for content that ended before its length
      throw new StoreException(
          "uploading part " + partNumber + " of " + upload.key() + ": " + e.getMessage(), e);
    }
  }

  @Override
  public boolean canCopyPartFrom(ObjectStore source) {
    return canCopyFrom(source);
  }

  @Override
  public CompletedPart copyPart(
      UploadHandle upload,
      int partNumber,
      ObjectStore source,
      String sourceKey,
      ByteRange range,
      String ifMatch) {
    S3ObjectStore src = requireSameEndpoint(source);
    UploadPartCopyResponse r =
        retrier.call(
            "copy part " + partNumber + " of " + upload.key(),
            () ->
                s3.uploadPartCopy(
                    b -> {
                      b.sourceBucket(src.bucket)
                          .sourceKey(sourceKey)
                          .destinationBucket(bucket)
                          .destinationKey(upload.key())
                          .uploadId(upload.uploadId())
                          .partNumber(partNumber)
                          .copySourceRange(range.httpHeader());
                      if (ifMatch != null) {
                        b.copySourceIfMatch(quote(ifMatch));
                      }
                    }),
            e ->
                translate(
                    e,
                    "copying bytes " + range.httpHeader() + " of " + sourceKey + " into",
                    upload.key()));
    String etag = unquote(r.copyPartResult().eTag());
    return new CompletedPart(
        partNumber,
        etag,
        range.length(),
        md5Of(etag, r.serverSideEncryptionAsString(), r.sseCustomerAlgorithm()));
  }

  @Override
  public WriteResult complete(UploadHandle upload, List<CompletedPart> parts) {
    List<software.amazon.awssdk.services.s3.model.CompletedPart> sorted =
        parts.stream()
            .sorted((a, b) -> Integer.compare(a.partNumber(), b.partNumber()))
            .map(
                p ->
                    software.amazon.awssdk.services.s3.model.CompletedPart.builder()
                        .partNumber(p.partNumber())
                        .eTag(quote(p.etag()))
                        .build())
            .toList();
    long size = parts.stream().mapToLong(CompletedPart::size).sum();
    var r =
        retrier.call(
            "complete upload " + upload.key(),
            () ->
                s3.completeMultipartUpload(
                    b ->
                        b.bucket(bucket)
                            .key(upload.key())
                            .uploadId(upload.uploadId())
                            .multipartUpload(
                                CompletedMultipartUpload.builder().parts(sorted).build())),
            e -> translate(e, "completing the multipart upload of", upload.key()));
    return new WriteResult(upload.key(), size, unquote(r.eTag()));
  }

  @Override
  public void abort(UploadHandle upload) {
    try {
      retrier.call(
          "abort upload " + upload.key(),
          () ->
              s3.abortMultipartUpload(
                  b -> b.bucket(bucket).key(upload.key()).uploadId(upload.uploadId())),
          e -> translate(e, "aborting the multipart upload of", upload.key()));
    } catch (ObjectNotFoundException alreadyGone) {
      // NoSuchUpload: completed or aborted before
    }
  }

  @Override
  public List<UploadHandle> listPending(String prefix) {
    List<UploadHandle> pending = new ArrayList<>();
    String keyMarker = null;
    String idMarker = null;
    while (true) {
      String km = keyMarker;
      String im = idMarker;
      ListMultipartUploadsResponse r =
          retrier.call(
              "list uploads",
              () ->
                  s3.listMultipartUploads(
                      b -> b.bucket(bucket).prefix(prefix).keyMarker(km).uploadIdMarker(im)),
              e -> translate(e, "listing pending multipart uploads in", null));
      for (MultipartUpload u : r.uploads()) {
        pending.add(new UploadHandle(u.key(), u.uploadId(), PutOptions.DEFAULT));
      }
      if (!Boolean.TRUE.equals(r.isTruncated())) {
        return pending;
      }
      keyMarker = r.nextKeyMarker();
      idMarker = r.nextUploadIdMarker();
    }
  }

  // ---- helpers ------------------------------------------------------------------------------

  private static String unquote(String etag) {
    if (etag != null && etag.length() >= 2 && etag.startsWith("\"") && etag.endsWith("\"")) {
      return etag.substring(1, etag.length() - 1);
    }
    return etag;
  }

  private static String quote(String etag) {
    return etag.startsWith("\"") || etag.equals("*") ? etag : "\"" + etag + "\"";
  }

  /**
   * The MD5 an ETag stands for, given the object's encryption as a HEAD, GET or upload reports it.
   * Objects encrypted with SSE-KMS (also dual-layer) or with a customer key (SSE-C) have ETags that
   * are not the MD5 of their content, whatever their shape. Listings do not report encryption, so a
   * listed ETag is taken at its shape ({@link #md5Of(String)}); copies check it against the GET.
   */
  static String md5Of(String etag, String sse, String sseCustomerAlgorithm) {
    if (sseCustomerAlgorithm != null || (sse != null && sse.startsWith("aws:kms"))) {
      return null;
    }
    return md5Of(etag);
  }

  /** A single-request upload's ETag is the hex MD5 of its content; a multipart one has a '-'. */
  static String md5Of(String etag) {
    return etag != null && etag.length() == 32 && etag.matches("[0-9a-fA-F]{32}")
        ? etag.toLowerCase(java.util.Locale.ROOT)
        : null;
  }

  private StoreException translate(Exception e, String action, String key) {
    String what = key == null ? action + " s3://" + bucket : action + " s3://" + bucket + "/" + key;
    if (e instanceof StoreException se) {
      return se;
    }
    if (e instanceof S3Exception s3e) {
      int status = s3e.statusCode();
      String code =
          s3e.awsErrorDetails() == null ? "" : String.valueOf(s3e.awsErrorDetails().errorCode());
      if (status == 404 || code.equals("NoSuchKey") || code.equals("NoSuchBucket")) {
        if (code.equals("NoSuchBucket")) {
          return new ObjectNotFoundException(
              what
                  + ": bucket '"
                  + bucket
                  + "' does not exist at this endpoint; create it or"
                  + " check the bucket name and the endpoint setting",
              e);
        }
        if (code.equals("NoSuchUpload")) {
          return new ObjectNotFoundException(
              what + ": the multipart upload no longer exists (completed or aborted)", e);
        }
        return new ObjectNotFoundException(what + ": no such object", e);
      }
      if (status == 412 || code.equals("PreconditionFailed")) {
        return new PreconditionFailedException(
            what
                + ": precondition failed (the object changed since its ETag was read, or it"
                + " already exists); list it again and retry",
            e);
      }
      if (status == 403 || status == 401) {
        return new AccessDeniedException(
            what
                + ": access denied ("
                + code
                + "); check the credentials (store settings access-key-id/secret-access-key, or"
                + " AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY/AWS_PROFILE) and the bucket policy",
            e);
      }
      if (status == 429 || status == 503 || code.equals("SlowDown")) {
        return new ThrottledException(what + ": throttled by the store (" + code + ")", e);
      }
      if (status == 416) {
        return new StoreException(what + ": the requested range is outside the object", e);
      }
      if (status >= 500) {
        return new TransientStoreException(what + ": store error " + status + " " + code, e);
      }
      return new StoreException(what + ": " + status + " " + code, e);
    }
    if (e instanceof SdkClientException) {
      return new TransientStoreException(
          what
              + ": cannot reach the store ("
              + e.getMessage()
              + "); check the endpoint setting or AWS_ENDPOINT_URL and the network",
          e);
    }
    return new StoreException(what + " failed: " + e, e);
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
