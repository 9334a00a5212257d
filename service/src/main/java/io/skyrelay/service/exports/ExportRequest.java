package io.skyrelay.service.exports;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;

/**
 * One export request (one job) with the accounts waiting for it.
 *
 * @param status queued, running, done, failed or cancelled
 * @param progress from 0 to 1
 * @param resultKey the export's key (a CSV object) or prefix (copied objects) in the export
 *     location, once done
 */
public record ExportRequest(
    String id,
    String dataset,
    JsonNode spec,
    String status,
    double progress,
    long objects,
    long rows,
    long bytes,
    String message,
    String resultKey,
    String createdBy,
    long createdMillis,
    long updatedMillis,
    List<String> waiters) {

  /** The statuses of a request still to finish. */
  public static final List<String> OPEN = List.of("queued", "running");

  /** Whether the request is queued or running. */
  public boolean open() {
    return OPEN.contains(status);
  }
}
