package io.skyrelay.connectors.s3;

/** The S3 conformance suite with {@code direct-requests: false}: every request through the SDK. */
class S3SdkPipelineConformanceTest extends S3ConformanceTest {

  @Override
  protected boolean direct() {
    return false;
  }
}
