package io.skyrelay.connectors.azure;

import com.azure.core.exception.ClientAuthenticationException;
import com.azure.core.exception.UnexpectedLengthException;
import com.azure.storage.blob.models.BlobStorageException;
import io.skyrelay.connectors.AccessDeniedException;
import io.skyrelay.connectors.InvalidKeyException;
import io.skyrelay.connectors.ObjectNotFoundException;
import io.skyrelay.connectors.PreconditionFailedException;
import io.skyrelay.connectors.StoreException;
import io.skyrelay.connectors.StoreUri;
import io.skyrelay.connectors.ThrottledException;
import io.skyrelay.connectors.TransientStoreException;
import java.io.IOException;
import java.net.URI;

/**
 * Turns the Azure SDK's exceptions for one container into the connector's {@link StoreException}s,
 * with messages that name the blob and say what to change (the credentials' source, the endpoint,
 * the container), and never carry a SAS or key.
 */
final class AzureErrors {

  private final StoreUri root;
  private final String credentialHint;
  private final URI accountUrl;

  /**
   * @param credentialHint where the credentials come from, for messages on refused requests
   */
  AzureErrors(StoreUri root, String credentialHint, URI accountUrl) {
    this.root = root;
    this.credentialHint = credentialHint;
    this.accountUrl = accountUrl;
  }

  /** The blob named in messages: the container's URI and the key, or the container alone. */
  String where(String key) {
    return key == null ? root.toString() : root + "/" + key;
  }

  static PreconditionFailedException changed(String what, String etag, String expected) {
    return new PreconditionFailedException(
        "object "
            + what
            + " changed since it was listed (ETag "
            + etag
            + ", expected "
            + expected
            + "); list it again and retry");
  }

  PreconditionFailedException alreadyExists(String key) {
    return new PreconditionFailedException(
        "writing "
            + where(key)
            + ": the object already exists and the write asked for If-None-Match: *");
  }

  /** The typed error for a failed call, with a message naming the object and what to do. */
  StoreException translate(Exception e, String action, String key) {
    if (e instanceof StoreException se) {
      return se;
    }
    String what = action + " " + where(key);
    if (e instanceof BlobStorageException b) {
      int status = b.getStatusCode();
      String code = b.getErrorCode() == null ? "" : b.getErrorCode().toString();
      boolean sourceProblem = code.equals("CannotVerifyCopySource");
      if (status == 404) {
        if (code.equals("ContainerNotFound")) {
          return new ObjectNotFoundException(
              what
                  + ": container '"
                  + root.container()
                  + "' does not exist in storage account '"
                  + root.account()
                  + "'; create it, or check the container name and the endpoint setting",
              b);
        }
        if (sourceProblem) {
          return new ObjectNotFoundException(what + ": the copy source does not exist", b);
        }
        return new ObjectNotFoundException(what + ": no such object", b);
      }
      if (status == 412 || code.equals("ConditionNotMet") || code.contains("ConditionNotMet")) {
        return new PreconditionFailedException(
            what
                + ": precondition failed ("
                + code
                + "): the object changed since its ETag was read; list it again and retry",
            b);
      }
      if (code.equals("BlobAlreadyExists")) {
        return new PreconditionFailedException(
            what + ": the object already exists and the write asked for If-None-Match: *", b);
      }
      if (status == 401 || status == 403) {
        if (sourceProblem) {
          return new AccessDeniedException(
              what
                  + ": the service could not read the copy source with the read-only SAS made from"
                  + " the source store's credentials ("
                  + code
                  + "); check the source's credential settings and, with Azure AD credentials,"
                  + " that its identity may create user delegation keys",
              b);
        }
        return new AccessDeniedException(
            what
                + ": access denied ("
                + (code.isEmpty() ? "HTTP " + status : code)
                + "); check "
                + credentialHint,
            b);
      }
      if (status == 429 || status == 503 || code.equals("ServerBusy")) {
        return new ThrottledException(what + ": throttled by the store (" + code + ")", b);
      }
      if (status == 416 || code.equals("InvalidRange")) {
        return new StoreException(what + ": the requested range is outside the object", b);
      }
      if (code.equals("InvalidBlockList")) {
        return new StoreException(
            what
                + ": some parts are not staged (never uploaded, or expired seven days after"
                + " upload, or discarded when the blob was written meanwhile); upload them again",
            b);
      }
      if (code.equals("InvalidBlobOrBlock") || code.equals("InvalidBlockId")) {
        return new StoreException(
            what
                + ": Azure refused the block ("
                + code
                + "); this happens when another tool left uncommitted blocks with ids of another"
                + " length on the blob: they vanish when the blob is next written or after seven"
                + " days",
            b);
      }
      if (code.equals("InvalidMetadata") || code.equals("EmptyMetadataKey")) {
        return new StoreException(
            what
                + ": Azure refused the metadata ("
                + code
                + "); keys are mapped to identifiers, values must be ASCII",
            b);
      }
      if (code.equals("OutOfRangeInput") || code.equals("InvalidResourceName")) {
        return new InvalidKeyException(
            what + ": Azure refused the blob name (" + code + "); names have 1 to 1024 characters");
      }
      if (status >= 500) {
        return new TransientStoreException(
            what + ": store error " + status + " " + code + "; it may pass on retry", b);
      }
      return new StoreException(
          what + ": " + status + " " + code + " " + firstLine(b.getServiceMessage()), b);
    }
    if (e instanceof UnexpectedLengthException) {
      return new StoreException(
          what + ": the source stream gave another number of bytes than announced", e);
    }
    if (e instanceof ClientAuthenticationException) {
      return new AccessDeniedException(
          what + ": could not get an Azure AD token; check " + credentialHint, e);
    }
    Throwable io = e instanceof IOException ? e : e.getCause();
    if (io instanceof IOException) {
      return new TransientStoreException(
          what
              + ": I/O error talking to "
              + accountUrl.getScheme()
              + "://"
              + accountUrl.getAuthority()
              + " ("
              + io
              + "); check the endpoint setting and the network, or retry",
          e);
    }
    return new StoreException(what + " failed: " + e, e);
  }

  private static String firstLine(String s) {
    if (s == null) {
      return "";
    }
    int nl = s.indexOf('\n');
    return (nl < 0 ? s : s.substring(0, nl)).trim();
  }
}
