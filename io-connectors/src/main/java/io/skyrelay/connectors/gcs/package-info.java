/**
 * The Google Cloud Storage connector ({@code gs://bucket/prefix}), over the official client's JSON
 * API: object generations serve as ETags, so conditional reads and create-only writes map onto GCS
 * generation preconditions. {@link io.skyrelay.connectors.gcs.GcsObjectStore} is the store; {@link
 * io.skyrelay.connectors.gcs.GcsComposeUploads} makes multi-part uploads of temporary part objects
 * under {@code .skyrelay-uploads/} composed into the target; {@link
 * io.skyrelay.connectors.gcs.GcsCopies} copies with the rewrite API between buckets on the same
 * endpoint; {@link io.skyrelay.connectors.gcs.GcsErrors} translates exceptions and masks
 * credentials.
 */
package io.skyrelay.connectors.gcs;
