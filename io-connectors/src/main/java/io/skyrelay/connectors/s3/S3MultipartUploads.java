package io.skyrelay.connectors.s3;

import static io.skyrelay.connectors.s3.S3Etags.md5Of;
import static io.skyrelay.connectors.s3.S3Etags.quote;
import static io.skyrelay.connectors.s3.S3Etags.unquote;

import io.skyrelay.connectors.ByteRange;
import io.skyrelay.connectors.CompletedPart;
import io.skyrelay.connectors.MultipartUploads;
import io.skyrelay.connectors.ObjectNotFoundException;
import io.skyrelay.connectors.ObjectStore;
import io.skyrelay.connectors.PartLimits;
import io.skyrelay.connectors.PutOptions;
import io.skyrelay.connectors.Retrier;
import io.skyrelay.connectors.StoreException;
import io.skyrelay.connectors.UploadHandle;
import io.skyrelay.connectors.WriteResult;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.CompletedMultipartUpload;
import software.amazon.awssdk.services.s3.model.ListMultipartUploadsResponse;
import software.amazon.awssdk.services.s3.model.MultipartUpload;
import software.amazon.awssdk.services.s3.model.UploadPartCopyResponse;

/**
 * S3 multipart uploads of one bucket, through the SDK client: parts of 5 MiB to 5 GiB (the last may
 * be smaller), at most 10,000 of them, filled from a stream or copied server-side from a byte range
 * of an object on the same endpoint.
 */
final class S3MultipartUploads implements MultipartUploads {

  static final long MIN_PART = 5L << 20;
  static final long MAX_PART = 5L << 30;
  private static final PartLimits PART_LIMITS = new PartLimits(MIN_PART, MAX_PART, 10_000);

  private final S3ObjectStore store;
  private final String bucket;
  private final S3Client s3;
  private final Retrier retrier;
  private final S3Errors errors;
  private final Map<String, String> writeHeaders;

  /**
   * @param writeHeaders headers of every CreateMultipartUpload (storage class, encryption, ACL)
   */
  S3MultipartUploads(
      S3ObjectStore store,
      String bucket,
      S3Client s3,
      Retrier retrier,
      S3Errors errors,
      Map<String, String> writeHeaders) {
    this.store = store;
    this.bucket = bucket;
    this.s3 = s3;
    this.retrier = retrier;
    this.errors = errors;
    this.writeHeaders = writeHeaders;
  }

  @Override
  public PartLimits partLimits() {
    return PART_LIMITS;
  }

  @Override
  public UploadHandle begin(String key, PutOptions options) {
    S3ObjectStore.checkKey(key);
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
                      if (!writeHeaders.isEmpty()) {
                        b.overrideConfiguration(o -> writeHeaders.forEach(o::putHeader));
                      }
                    }),
            e -> errors.translate(e, "starting a multipart upload of", key));
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
      throw errors.translate(e, "uploading part " + partNumber + " of", upload.key());
    } catch (IllegalStateException e) {
      // the SDK's word for content that ended before its length
      throw new StoreException(
          "uploading part " + partNumber + " of " + upload.key() + ": " + e.getMessage(), e);
    }
  }

  @Override
  public boolean canCopyPartFrom(ObjectStore source) {
    return store.sameEndpoint(source);
  }

  @Override
  public CompletedPart copyPart(
      UploadHandle upload,
      int partNumber,
      ObjectStore source,
      String sourceKey,
      ByteRange range,
      String ifMatch) {
    S3ObjectStore src = store.requireSameEndpoint(source);
    UploadPartCopyResponse r =
        retrier.call(
            "copy part " + partNumber + " of " + upload.key(),
            () ->
                s3.uploadPartCopy(
                    b -> {
                      b.sourceBucket(src.bucket())
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
                errors.translate(
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
            e -> errors.translate(e, "completing the multipart upload of", upload.key()));
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
          e -> errors.translate(e, "aborting the multipart upload of", upload.key()));
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
              e -> errors.translate(e, "listing pending multipart uploads in", null));
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
}
