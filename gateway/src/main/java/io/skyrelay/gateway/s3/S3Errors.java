package io.skyrelay.gateway.s3;

import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.http.SdkHttpResponse;
import software.amazon.awssdk.services.s3.model.S3Exception;

/** S3 errors with the codes clients expect, as the front end turns them into XML. */
final class S3Errors {

  private S3Errors() {}

  static S3Exception of(int status, String code, String message) {
    return (S3Exception)
        S3Exception.builder()
            .message(message)
            .statusCode(status)
            .awsErrorDetails(
                AwsErrorDetails.builder()
                    .errorCode(code)
                    .errorMessage(message)
                    .sdkHttpResponse(SdkHttpResponse.builder().statusCode(status).build())
                    .build())
            .build();
  }

  static S3Exception invalidRange(String message) {
    return of(416, "InvalidRange", message);
  }

  static S3Exception preconditionFailed() {
    return of(412, "PreconditionFailed", "At least one of the preconditions did not hold");
  }

  static S3Exception notModified() {
    return of(304, "NotModified", "Not Modified");
  }

  static S3Exception notImplemented(String what) {
    return of(501, "NotImplemented", what + " is not supported by the Skyrelay gateway yet");
  }

  static S3Exception internal(String message) {
    return of(500, "InternalError", message);
  }

  static S3Exception invalidArgument(String message) {
    return of(400, "InvalidArgument", message);
  }
}
