/**
 * The S3 connector ({@code s3://bucket/prefix}) for Amazon S3 and S3-compatible stores, over the
 * AWS SDK v2, one class per role: {@link io.skyrelay.connectors.s3.S3ObjectStore} (listing, batch
 * delete, the store), {@link io.skyrelay.connectors.s3.S3Requests} for single-object requests with
 * two implementations ({@link io.skyrelay.connectors.s3.SdkS3Requests} through the SDK's request
 * pipeline, {@link io.skyrelay.connectors.s3.DirectS3Requests} through its signer and HTTP client
 * directly, chosen by the {@code direct-requests} setting), {@link
 * io.skyrelay.connectors.s3.S3MultipartUploads} (multipart uploads, ranged UploadPartCopy), {@link
 * io.skyrelay.connectors.s3.S3Copies} (CopyObject), {@link io.skyrelay.connectors.s3.S3Errors}
 * (exception translation) and {@link io.skyrelay.connectors.s3.S3Etags} (which ETags are MD5s).
 */
package io.skyrelay.connectors.s3;
