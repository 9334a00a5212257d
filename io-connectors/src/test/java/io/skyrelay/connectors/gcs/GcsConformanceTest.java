package io.skyrelay.connectors.gcs;

import com.google.cloud.storage.contrib.nio.testing.LocalStorageHelper;
import io.skyrelay.connectors.ObjectStore;
import io.skyrelay.connectors.ObjectStoreConformanceTest;
import java.util.Optional;

/**
 * The conformance suite for the GCS connector on {@code LocalStorageHelper}, the in-memory fake of
 * the official client that ships in google-cloud-nio. It runs the connector's real client calls,
 * but the fake stands in for the service below the client, and the gaps named in {@link #serverGap}
 * are the fake's, not GCS's (see the GCS section of the README).
 */
class GcsConformanceTest extends ObjectStoreConformanceTest {

  @Override
  protected ObjectStore openStore() {
    return new GcsObjectStore(LocalStorageHelper.customOptions(false).getService(), "conformance");
  }

  @Override
  protected Optional<String> serverGap(Feature feature) {
    return Optional.ofNullable(
        switch (feature) {
          case PAGED_LISTING ->
              "LocalStorageHelper ignores page tokens and cuts a listing at the page size without"
                  + " returning a next-page token";
          case MULTIPART -> "LocalStorageHelper does not implement compose (it returns no object)";
          case CONDITIONAL_READ ->
              "LocalStorageHelper ignores ifGenerationMatch on downloads; GcsObjectStoreTest"
                  + " checks the connector's side with a simulated 412";
          case CONTENT_MD5 -> "LocalStorageHelper computes no md5Hash";
          case RANGE_PAST_END ->
              "LocalStorageHelper pads a range that runs past the end with zero bytes";
          case URL_SYNTAX_IN_KEYS ->
              "LocalStorageHelper uses the unencoded object name as the upload URL, so uploads of"
                  + " names with '%', '?' or '#' fail";
          case UNFINISHED_UPLOAD_INVISIBLE ->
              "LocalStorageHelper stores each write of an upload as it comes, so one that is never"
                  + " finished is still seen; GcsEmulatorConformanceTest checks it on resumable"
                  + " uploads";
          default -> null;
        });
  }
}
