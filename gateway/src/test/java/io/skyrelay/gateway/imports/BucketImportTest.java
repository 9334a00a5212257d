package io.skyrelay.gateway.imports;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.skyrelay.connectors.StoreUri;
import org.junit.jupiter.api.Test;

/** Where an import's location is in a region's store, whose keys are under the region's prefix. */
class BucketImportTest {

  @Test
  void aLocationInARegionOfAWholeBucketIsItsPrefixInTheBucket() {
    assertEquals(
        "legacy/logs/",
        BucketImport.physicalPrefix(
            StoreUri.parse("s3://west-bucket"), StoreUri.parse("s3://west-bucket/legacy/logs")));
  }

  @Test
  void aLocationInARegionUnderAPrefixIsRelativeToThatPrefix() {
    StoreUri region = StoreUri.parse("s3://west-bucket/copies");
    assertEquals(
        "legacy/",
        BucketImport.physicalPrefix(region, StoreUri.parse("s3://west-bucket/copies/legacy")));
    assertEquals(
        "", BucketImport.physicalPrefix(region, StoreUri.parse("s3://west-bucket/copies/")));
    IllegalArgumentException outside =
        assertThrows(
            IllegalArgumentException.class,
            () -> BucketImport.physicalPrefix(region, StoreUri.parse("s3://west-bucket/legacy")));
    assertEquals(
        "s3://west-bucket/legacy is not inside the region's store s3://west-bucket/copies"
            + " (outside its prefix)",
        outside.getMessage());
  }
}
