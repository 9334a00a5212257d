package io.skyrelay.gateway.s3;

import jakarta.servlet.http.HttpServletRequest;

/** Names the S3 operation of a path-style request, as AWS's API reference names it. */
final class S3Operation {

  private S3Operation() {}

  static String of(HttpServletRequest request) {
    String query = request.getQueryString();
    return of(
        request.getMethod(),
        request.getRequestURI(),
        query == null ? "" : query,
        request.getHeader("x-amz-copy-source") != null);
  }

  /**
   * @param path the request path ({@code /}, {@code /bucket}, {@code /bucket/key})
   * @param query the raw query string, {@code ""} when there is none
   * @param copySource whether the request names a copy source
   */
  static String of(String method, String path, String query, boolean copySource) {
    String p = path.startsWith("/") ? path.substring(1) : path;
    int slash = p.indexOf('/');
    boolean service = p.isEmpty();
    boolean bucket = !service && (slash < 0 || slash == p.length() - 1);
    if (service) {
      return method.equals("GET") ? "ListBuckets" : "Other";
    }
    if (bucket) {
      return switch (method) {
        case "GET" ->
            has(query, "location")
                ? "GetBucketLocation"
                : has(query, "uploads")
                    ? "ListMultipartUploads"
                    : has(query, "list-type") ? "ListObjectsV2" : "ListObjects";
        case "HEAD" -> "HeadBucket";
        case "PUT" -> "CreateBucket";
        case "DELETE" -> "DeleteBucket";
        case "POST" -> has(query, "delete") ? "DeleteObjects" : "Other";
        default -> "Other";
      };
    }
    boolean upload = has(query, "uploadId");
    return switch (method) {
      case "GET" -> upload ? "ListParts" : "GetObject";
      case "HEAD" -> "HeadObject";
      case "PUT" ->
          upload
              ? (copySource ? "UploadPartCopy" : "UploadPart")
              : (copySource ? "CopyObject" : "PutObject");
      case "DELETE" -> upload ? "AbortMultipartUpload" : "DeleteObject";
      case "POST" ->
          has(query, "uploads")
              ? "CreateMultipartUpload"
              : upload ? "CompleteMultipartUpload" : "Other";
      default -> "Other";
    };
  }

  /** Whether the query has parameter {@code name}, with or without a value. */
  private static boolean has(String query, String name) {
    for (String part : query.split("&")) {
      int eq = part.indexOf('=');
      if ((eq < 0 ? part : part.substring(0, eq)).equals(name)) {
        return true;
      }
    }
    return false;
  }
}
