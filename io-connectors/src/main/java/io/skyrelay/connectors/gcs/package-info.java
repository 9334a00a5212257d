/**
 * The Google Cloud Storage connector ({@code gs://bucket/prefix}), over the official client's JSON
 * API: object generations serve as ETags, so conditional reads and create-only writes map onto GCS
 * generation preconditions; multi-part uploads are temporary part objects under {@code
 * .skyrelay-uploads/} composed into the target; server-side copies use the rewrite API between any
 * buckets on the same endpoint.
 */
package io.skyrelay.connectors.gcs;
