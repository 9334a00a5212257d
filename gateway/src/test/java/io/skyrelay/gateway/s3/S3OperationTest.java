package io.skyrelay.gateway.s3;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Requests as the aws CLI, rclone and boto3 send them, named as the metrics name them. */
class S3OperationTest {

  @ParameterizedTest
  @CsvSource({
    "GET, /, '', false, ListBuckets",
    "GET, /b, location, false, GetBucketLocation",
    "GET, /b, list-type=2&prefix=a%2F&delimiter=%2F, false, ListObjectsV2",
    "GET, /b/, prefix=a, false, ListObjects",
    "GET, /b, uploads, false, ListMultipartUploads",
    "HEAD, /b, '', false, HeadBucket",
    "PUT, /b, '', false, CreateBucket",
    "DELETE, /b, '', false, DeleteBucket",
    "POST, /b, delete, false, DeleteObjects",
    "GET, /b/dir/key.txt, '', false, GetObject",
    "GET, /b/k, uploadId=u1, false, ListParts",
    "HEAD, /b/k, '', false, HeadObject",
    "PUT, /b/k, '', false, PutObject",
    "PUT, /b/k, '', true, CopyObject",
    "PUT, /b/k, partNumber=2&uploadId=u1, false, UploadPart",
    "PUT, /b/k, partNumber=2&uploadId=u1, true, UploadPartCopy",
    "DELETE, /b/k, '', false, DeleteObject",
    "DELETE, /b/k, uploadId=u1, false, AbortMultipartUpload",
    "POST, /b/k, uploads, false, CreateMultipartUpload",
    "POST, /b/k, uploadId=u1, false, CompleteMultipartUpload",
    "GET, /b/location, '', false, GetObject",
  })
  void namesTheOperation(
      String method, String path, String query, boolean copySource, String expected) {
    assertEquals(expected, S3Operation.of(method, path, query, copySource));
  }
}
