/**
 * The S3 connector ({@code s3://bucket/prefix}) for Amazon S3 and S3-compatible stores, over the
 * AWS SDK v2: endpoint override and path-style addressing for compatible stores, the standard AWS
 * environment and profiles when nothing else is configured, multipart uploads with ranged
 * UploadPartCopy, CopyObject, conditional GET/PUT and batch delete.
 */
package io.skyrelay.connectors.s3;
