package io.skyrelay.connectors;

import java.util.Map;

/**
 * The outcome of {@link ObjectStore#deleteAll}.
 *
 * @param deleted how many keys were deleted (or were already absent)
 * @param failed keys that could not be deleted, with the store's reason
 */
public record BatchDeleteResult(int deleted, Map<String, String> failed) {

  public BatchDeleteResult {
    failed = Map.copyOf(failed);
  }

  public boolean allDeleted() {
    return failed.isEmpty();
  }
}
