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
import software.amazon.awssdk.core.ResponseInputStream;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.MetadataDirective;

/** The single-object requests of one bucket, sent through the SDK client's request pipeline. */
final class SdkS3Requests implements S3Requests {

  private final String bucket;
  private final S3Client s3;
  private final Retrier retrier;
  private final S3Errors errors;
  private final Map<String, String> writeHeaders;

  /**
   * @param writeHeaders headers of every PUT and CopyObject (storage class, encryption, ACL)
   */
  SdkS3Requests(
      String bucket,
      S3Client s3,
      Retrier retrier,
      S3Errors errors,
      Map<String, String> writeHeaders) {
    this.bucket = bucket;
    this.s3 = s3;
    this.retrier = retrier;
    this.errors = errors;
    this.writeHeaders = writeHeaders;
  }

  @Override
  public ObjectInfo head(String key) {
    HeadObjectResponse h =
        retrier.call(
            "head " + key,
            () -> s3.headObject(b -> b.bucket(bucket).key(key)),
            e -> errors.translate(e, "reading metadata of", key));
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
  public ResponseInputStream<GetObjectResponse> read(String key, ByteRange range, String ifMatch) {
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
        e -> errors.translate(e, "reading", key));
  }

  @Override
  public ObjectContent open(String key, ByteRange range, String ifMatch) {
    ResponseInputStream<GetObjectResponse> in = read(key, range, ifMatch);
    GetObjectResponse r = in.response();
    String etag = unquote(r.eTag());
    long size =
        range == null
            ? r.contentLength()
            : S3ObjectStore.sizeFromContentRange(r.contentRange(), r.contentLength());
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

  @Override
  public WriteResult put(
      String key, InputStream content, long length, PutOptions options, String contentMd5) {
    try {
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
                if (contentMd5 != null) {
                  // checked by the server: a body that differs is refused and nothing is written
                  b.contentMD5(contentMd5);
                }
                if (!writeHeaders.isEmpty()) {
                  b.overrideConfiguration(o -> writeHeaders.forEach(o::putHeader));
                }
              },
              RequestBody.fromInputStream(content, length));
      return new WriteResult(key, length, unquote(r.eTag()));
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
        () -> s3.deleteObject(b -> b.bucket(bucket).key(key)),
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
    String sourceBucket = source.bucket();
    String etag =
        retrier.call(
            "copy " + sourceKey,
            () ->
                s3.copyObject(
                        b -> {
                          b.sourceBucket(sourceBucket)
                              .sourceKey(sourceKey)
                              .destinationBucket(bucket)
                              .destinationKey(targetKey);
                          if (ifMatch != null) {
                            b.copySourceIfMatch(quote(ifMatch));
                          }
                          if (replaceMetadata != null) {
                            b.metadataDirective(MetadataDirective.REPLACE)
                                .metadata(replaceMetadata);
                            if (contentType != null) {
                              b.contentType(contentType);
                            }
                          }
                          if (!writeHeaders.isEmpty()) {
                            b.overrideConfiguration(o -> writeHeaders.forEach(o::putHeader));
                          }
                        })
                    .copyObjectResult()
                    .eTag(),
            e ->
                errors.translate(
                    e, "copying s3://" + sourceBucket + "/" + sourceKey + " to", targetKey));
    return unquote(etag);
  }
}
