package io.skyrelay.connectors.azure;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.skyrelay.connectors.CompletedPart;
import io.skyrelay.connectors.InvalidStoreUriException;
import io.skyrelay.connectors.MultipartUploads;
import io.skyrelay.connectors.ObjectStore;
import io.skyrelay.connectors.ObjectStores;
import io.skyrelay.connectors.PutOptions;
import io.skyrelay.connectors.UploadHandle;
import java.io.ByteArrayInputStream;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Store setting {@code access-tier}: the tier of every blob written, against Azurite. */
class AzureAccessTierTest {

  private static AzuriteServer azurite;

  @BeforeAll
  static void startAzurite() throws Exception {
    azurite = AzuriteServer.start();
  }

  @AfterAll
  static void stopAzurite() {
    if (azurite != null) {
      azurite.close();
    }
  }

  private static String newContainer() {
    String name = "t-" + UUID.randomUUID().toString().replace("-", "").substring(0, 20);
    azurite.createContainer(name);
    return "az://" + AzuriteServer.ACCOUNT + "/" + name;
  }

  @Test
  void putsCommittedBlocksAndCopiesGetTheTier() {
    String uri = newContainer();
    try (ObjectStore s = ObjectStores.open(uri, azurite.settings().with("access-tier", "cool"))) {
      byte[] bytes = "tiered".getBytes();
      s.put("put", new ByteArrayInputStream(bytes), bytes.length, PutOptions.DEFAULT);
      MultipartUploads mp = s.multipart().orElseThrow();
      UploadHandle u = mp.begin("blocks", PutOptions.DEFAULT);
      CompletedPart p = mp.uploadPart(u, 1, new ByteArrayInputStream(bytes), bytes.length);
      mp.complete(u, List.of(p));
      s.serverSideCopy().orElseThrow().copy(s, "put", "copy", null, Map.of());
      for (String key : List.of("put", "blocks", "copy")) {
        assertEquals("Cool", s.head(key).storageClass(), key);
      }
      assertEquals(
          List.of("Cool", "Cool", "Cool"),
          s.listAllToList("").stream().map(o -> o.storageClass()).toList());
    }
  }

  @Test
  void anUnknownTierIsRefusedWithTheTiers() {
    InvalidStoreUriException e =
        assertThrows(
            InvalidStoreUriException.class,
            () ->
                ObjectStores.open(
                    "az://" + AzuriteServer.ACCOUNT + "/tiers",
                    azurite.settings().with("access-tier", "STANDARD_IA")));
    assertTrue(
        e.getMessage()
            .contains("store setting access-tier expects one of Hot, Cool, Cold, Archive"),
        e.getMessage());
  }
}
