package io.skyrelay.connectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class StoreUriTest {

  @Test
  void parsesEachScheme() {
    assertEquals(
        new StoreUri("s3", null, "my-bucket", "a/b/"), StoreUri.parse("s3://my-bucket/a/b/"));
    assertEquals(
        new StoreUri("gs", null, "bucket.example", ""), StoreUri.parse("gs://bucket.example"));
    assertEquals(
        new StoreUri("az", "acct", "container", "p/q"), StoreUri.parse("az://acct/container/p/q"));
    assertEquals(
        new StoreUri("file", null, "/data/objects", ""), StoreUri.parse("file:///data/objects/"));
    assertEquals("az://acct/container/p/q", StoreUri.parse("az://acct/container/p/q").toString());
    assertEquals("s3://my-bucket/a/b/", StoreUri.parse("s3://my-bucket/a/b/").toString());
  }

  @Test
  void parsesSwiftLocationsWithTheirAccount() {
    assertEquals(
        new StoreUri("swift", "AUTH_test", "Photos_2024", "p/q"),
        StoreUri.parse("swift://AUTH_test/Photos_2024/p/q"));
    assertEquals("swift://AUTH_test/c/p", StoreUri.parse("swift://AUTH_test/c/p").toString());
    InvalidStoreUriException noContainer =
        assertThrows(InvalidStoreUriException.class, () -> StoreUri.parse("swift://AUTH_test"));
    assertTrue(
        noContainer.getMessage().contains("swift://account/container/prefix"),
        noContainer.getMessage());
  }

  @Test
  void malformedUrisSayWhatIsExpected() {
    InvalidStoreUriException noScheme =
        assertThrows(InvalidStoreUriException.class, () -> StoreUri.parse("my-bucket/path"));
    assertTrue(noScheme.getMessage().contains("s3://bucket/prefix"), noScheme.getMessage());

    InvalidStoreUriException unknown =
        assertThrows(InvalidStoreUriException.class, () -> StoreUri.parse("ftp://host/x"));
    assertTrue(unknown.getMessage().contains("unknown scheme 'ftp'"), unknown.getMessage());

    InvalidStoreUriException badBucket =
        assertThrows(InvalidStoreUriException.class, () -> StoreUri.parse("s3://My_Bucket/x"));
    assertTrue(badBucket.getMessage().contains("not a valid bucket name"), badBucket.getMessage());

    InvalidStoreUriException noContainer =
        assertThrows(InvalidStoreUriException.class, () -> StoreUri.parse("az://account"));
    assertTrue(noContainer.getMessage().contains("az://account/container/prefix"));

    InvalidStoreUriException relativeFile =
        assertThrows(InvalidStoreUriException.class, () -> StoreUri.parse("file://data/x"));
    assertTrue(relativeFile.getMessage().contains("three slashes"), relativeFile.getMessage());

    assertThrows(InvalidStoreUriException.class, () -> StoreUri.parse(""));
  }

  @Test
  void unknownSchemesAreRefusedWhenOpening() {
    InvalidStoreUriException e =
        assertThrows(
            InvalidStoreUriException.class,
            () -> ObjectStores.open("hdfs://x/y", StoreSettings.EMPTY));
    assertTrue(e.getMessage().contains("hdfs"));
  }
}
