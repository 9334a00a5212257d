package io.skyrelay.connectors;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.util.List;
import org.junit.jupiter.api.AfterEach;

/**
 * The conformance suite for a {@link PrefixedObjectStore} over a whole store: every operation of
 * the suite must behave as on a store of its own, and after each test the whole store holds nothing
 * outside the prefix but an object put there beforehand, untouched.
 */
public abstract class PrefixedConformanceTest extends ObjectStoreConformanceTest {

  protected static final String PREFIX = "copies/";
  private static final String OUTSIDE = "outside/kept.txt";
  private static final byte[] OUTSIDE_BYTES = "not under the prefix".getBytes();

  private ObjectStore whole;

  /** Opens the whole store the prefixed one is a view of. */
  protected abstract ObjectStore openWholeStore() throws Exception;

  @Override
  protected final ObjectStore openStore() throws Exception {
    whole = openWholeStore();
    whole.put(
        OUTSIDE, new ByteArrayInputStream(OUTSIDE_BYTES), OUTSIDE_BYTES.length, PutOptions.DEFAULT);
    return new PrefixedObjectStore(whole, PREFIX);
  }

  @AfterEach
  void nothingWrittenOutsideThePrefix() throws Exception {
    for (ObjectInfo o : whole.listAllToList("")) {
      assertTrue(
          o.key().startsWith(PREFIX) || o.key().equals(OUTSIDE),
          o.key() + " was written outside " + PREFIX);
    }
    whole
        .multipart()
        .ifPresent(
            m -> {
              List<UploadHandle> pending = m.listPending("");
              for (UploadHandle h : pending) {
                assertTrue(h.key().startsWith(PREFIX), h.key() + " was begun outside " + PREFIX);
              }
            });
    try (InputStream in = whole.read(OUTSIDE, null, null)) {
      assertArrayEquals(OUTSIDE_BYTES, in.readAllBytes());
    }
    assertEquals(
        List.of(),
        store.listAllToList("").stream().filter(o -> o.key().startsWith(PREFIX)).toList(),
        "the prefixed store lists its keys without the prefix");
  }
}
