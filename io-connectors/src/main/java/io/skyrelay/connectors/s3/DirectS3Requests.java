package io.skyrelay.connectors.s3;

import static io.skyrelay.connectors.s3.S3Etags.md5Of;
import static io.skyrelay.connectors.s3.S3Etags.quote;
import static io.skyrelay.connectors.s3.S3Etags.unquote;

import io.skyrelay.connectors.ByteRange;
import io.skyrelay.connectors.ObjectContent;
import io.skyrelay.connectors.ObjectInfo;
import io.skyrelay.connectors.PutOptions;
import io.skyrelay.connectors.Retrier;
import io.skyrelay.connectors.StoreException;
import io.skyrelay.connectors.WriteResult;
import java.io.InputStream;
import java.util.Map;
import software.amazon.awssdk.core.exception.SdkException;

/**
 * The single-object requests of one bucket, sent by {@link S3Wire} without the SDK's request
 * pipeline. A copy from a bucket whose requests go through the SDK goes through the SDK too.
 */
final class DirectS3Requests implements S3Requests {

  private final String bucket;
  private final S3Wire wire;
  private final SdkS3Requests sdk;
  private final Retrier retrier;
  private final S3Errors errors;
  private final Map<String, String> writeHeaders;

  /**
   * @param wire a wire that {@linkplain S3Wire#handles handles} {@code bucket}
   * @param sdk sends the copies whose source bucket does not take direct requests
   * @param writeHeaders headers of every PUT and CopyObject (storage class, encryption, ACL)
   */
  DirectS3Requests(
      String bucket,
      S3Wire wire,
      SdkS3Requests sdk,
      Retrier retrier,
      S3Errors errors,
      Map<String, String> writeHeaders) {
    this.bucket = bucket;
    this.wire = wire;
    this.sdk = sdk;
    this.retrier = retrier;
    this.errors = errors;
    this.writeHeaders = writeHeaders;
  }

  @Override
  public ObjectInfo head(String key) {
    return retrier.call(
        "head " + key,
        () -> {
          S3Wire.Response h = wire.head(bucket, key);
          return info(key, h, h.longHeader("Content-Length"));
        },
        e -> errors.translate(e, "reading metadata of", key));
  }

  @Override
  public InputStream read(String key, ByteRange range, String ifMatch) {
    return open(key, range, ifMatch).stream();
  }

  @Override
  public ObjectContent open(String key, ByteRange range, String ifMatch) {
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
                range == null
                    ? length
                    : S3ObjectStore.sizeFromContentRange(r.header("Content-Range"), length);
            return new ObjectContent(info(key, r, size), r.body());
          } catch (RuntimeException e) {
            r.body().close();
            throw e;
          }
        },
        e -> errors.translate(e, "reading", key));
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

  @Override
  public WriteResult put(
      String key, InputStream content, long length, PutOptions options, String contentMd5) {
    try {
      String etag =
          wire.put(
              bucket,
              key,
              content,
              length,
              options.contentType(),
              options.metadata(),
              contentMd5,
              options.ifNoneMatch(),
              writeHeaders);
      return new WriteResult(key, length, unquote(etag));
    } catch (SdkException e) {
      throw errors.translate(e, "writing", key);
    } catch (IllegalStateException e) {
      // the SDK's word for content that ended before its length
      throw new StoreException("writing " + key + ": " + e.getMessage(), e);
    }
  }

  @Override
  public void delete(String key) {
    retrier.call(
        "delete " + key,
        () -> {
          wire.delete(bucket, key);
          return null;
        },
        e -> errors.translate(e, "deleting", key));
  }

  @Override
  public String copy(
      S3ObjectStore source,
      String sourceKey,
      String targetKey,
      String ifMatch,
      Map<String, String> replaceMetadata,
      String contentType) {
    if (!source.sendsDirectRequests()) {
      return sdk.copy(source, sourceKey, targetKey, ifMatch, replaceMetadata, contentType);
    }
    String sourceBucket = source.bucket();
    return unquote(
        retrier.call(
            "copy " + sourceKey,
            () ->
                wire.copy(
                    sourceBucket,
                    sourceKey,
                    bucket,
                    targetKey,
                    ifMatch == null ? null : quote(ifMatch),
                    replaceMetadata,
                    contentType,
                    writeHeaders),
            e ->
                errors.translate(
                    e, "copying s3://" + sourceBucket + "/" + sourceKey + " to", targetKey)));
  }
}
