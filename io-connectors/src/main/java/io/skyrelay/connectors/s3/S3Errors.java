package io.skyrelay.connectors.s3;

import io.skyrelay.connectors.AccessDeniedException;
import io.skyrelay.connectors.ObjectNotFoundException;
import io.skyrelay.connectors.PreconditionFailedException;
import io.skyrelay.connectors.StoreException;
import io.skyrelay.connectors.ThrottledException;
import io.skyrelay.connectors.TransientStoreException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * Turns the SDK's exceptions (and the direct requests' ones, which are the same) for one bucket
 * into the connector's {@link StoreException}s, with messages that say what the user can change.
 */
final class S3Errors {

  private final String bucket;

  S3Errors(String bucket) {
    this.bucket = bucket;
  }

  /**
   * The store exception for {@code e}, raised while doing {@code action} on {@code key} (or on the
   * bucket, when {@code key} is null).
   */
  StoreException translate(Exception e, String action, String key) {
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
}
