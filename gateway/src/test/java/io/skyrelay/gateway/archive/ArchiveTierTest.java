package io.skyrelay.gateway.archive;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.skyrelay.connectors.ForwardingObjectStore;
import io.skyrelay.connectors.ObjectStore;
import io.skyrelay.connectors.PutOptions;
import io.skyrelay.connectors.StoreException;
import io.skyrelay.connectors.StoreSettings;
import io.skyrelay.connectors.StoreUri;
import io.skyrelay.gateway.namespace.Namespace;
import io.skyrelay.transforms.replicate.StoreLocation;
import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.h2.jdbcx.JdbcConnectionPool;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ArchiveTierTest {

  @TempDir Path dir;

  /** An archive store that refuses deletes (read-only credentials, a retention lock). */
  private static final class NoDeletes extends ForwardingObjectStore {
    NoDeletes(ObjectStore delegate) {
      super(delegate);
    }

    @Override
    public void delete(String key) {
      throw new StoreException("access denied: deleting " + key);
    }
  }

  @Test
  void aDeleteTheArchiveRefusesStillHidesTheArchivedCopy() {
    JdbcConnectionPool pool =
        JdbcConnectionPool.create("jdbc:h2:" + dir.resolve("db").toAbsolutePath(), "sa", "");
    try {
      Namespace.open(pool); // the schema, tombstones included
      StoreLocation location =
          new StoreLocation(
              StoreUri.parse(dir.resolve("archive").toUri().toString()), StoreSettings.EMPTY, null);
      ObjectStore store = new NoDeletes(location.open());
      for (String k : List.of("keep", "gone")) {
        byte[] b = k.getBytes();
        store.put(k, new ByteArrayInputStream(b), b.length, PutOptions.of("text/plain", Map.of()));
      }
      ArchiveTier tier = new ArchiveTier("b", location, store, false, new Tombstones(pool));

      tier.forget("gone");

      assertTrue(Files.exists(dir.resolve("archive/gone")), "the store refused the delete");
      assertTrue(tier.find("gone").isEmpty());
      assertTrue(tier.find("keep").isPresent());
      MergedListing.Page page =
          MergedListing.list((p, f, i, l) -> List.of(), tier, "", null, 10, null, null);
      assertEquals(
          List.of("keep"), page.entries().stream().map(MergedListing.Entry::name).toList());
      store.close();
    } finally {
      pool.dispose();
    }
  }

  @Test
  void aTombstoneHidesOnlyCopiesArchivedBeforeTheDelete() {
    Instant deleted = Instant.parse("2026-01-01T00:00:00Z");
    assertTrue(Tombstones.hides(deleted, deleted.minusSeconds(60)));
    assertTrue(Tombstones.hides(deleted, deleted));
    assertFalse(Tombstones.hides(deleted, deleted.plusMillis(1)));
    assertFalse(Tombstones.hides(null, deleted));
  }
}
