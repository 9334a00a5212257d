package io.skyrelay.connectors.s3;

import io.skyrelay.connectors.ByteRange;
import io.skyrelay.connectors.ObjectContent;
import io.skyrelay.connectors.ObjectInfo;
import io.skyrelay.connectors.PutOptions;
import io.skyrelay.connectors.WriteResult;
import java.io.InputStream;
import java.util.Map;

/**
 * The requests on single objects of one bucket (GET, HEAD, PUT, DELETE, CopyObject), retried where
 * they can be and with failures translated to store exceptions. Two ways to send them: through the
 * SDK client's request pipeline ({@link SdkS3Requests}) or straight through its HTTP client and
 * signer ({@link DirectS3Requests}); the store picks one when it is made, by the {@code
 * direct-requests} setting and whether the bucket's endpoint allows it.
 */
interface S3Requests {

  /** Metadata of one object. */
  ObjectInfo head(String key);

  /** The bytes of one object, or of {@code range} of them, if its ETag is still {@code ifMatch}. */
  InputStream read(String key, ByteRange range, String ifMatch);

  /** The bytes and the metadata of one object, from one GET. */
  ObjectContent open(String key, ByteRange range, String ifMatch);

  /**
   * Writes one object in one request (not retried: the content is a stream).
   *
   * @param contentMd5 the base64 MD5 the server checks the body against, or null
   */
  WriteResult put(
      String key, InputStream content, long length, PutOptions options, String contentMd5);

  /** Deletes one object. */
  void delete(String key);

  /**
   * Copies {@code sourceKey} of {@code source} (same endpoint and credentials) to {@code targetKey}
   * here, if the source's ETag is still {@code ifMatch} (when not null).
   *
   * @param replaceMetadata the target's metadata, or null to keep the source's (and its content
   *     type)
   * @param contentType the target's content type when {@code replaceMetadata} is given
   * @return the new object's ETag, unquoted
   */
  String copy(
      S3ObjectStore source,
      String sourceKey,
      String targetKey,
      String ifMatch,
      Map<String, String> replaceMetadata,
      String contentType);
}
