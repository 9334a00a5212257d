package io.skyrelay.connectors.swift;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import io.skyrelay.connectors.ByteRange;
import io.skyrelay.connectors.CompletedPart;
import io.skyrelay.connectors.HashingInputStream;
import io.skyrelay.connectors.ListPage;
import io.skyrelay.connectors.ListRequest;
import io.skyrelay.connectors.MultipartUploads;
import io.skyrelay.connectors.ObjectInfo;
import io.skyrelay.connectors.ObjectStore;
import io.skyrelay.connectors.PartLimits;
import io.skyrelay.connectors.PreconditionFailedException;
import io.skyrelay.connectors.PutOptions;
import io.skyrelay.connectors.StoreException;
import io.skyrelay.connectors.TransientStoreException;
import io.skyrelay.connectors.UploadHandle;
import io.skyrelay.connectors.WriteResult;
import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Static large objects (SLO). Segments follow the swift CLI's convention: they live in the {@code
 * <container>_segments} container (created when first needed), named {@code <key>/slo/<upload
 * id>/<8-digit part number>}; the manifest ({@code ?multipart-manifest=put}) lists them in part
 * order and carries the object's content type and user metadata. An upload begun through {@link
 * #begin} also leaves a {@code <key>/slo/<upload id>/pending} marker there until it is completed or
 * aborted, which is how {@link #listPending} finds it.
 */
final class SwiftLargeObjects implements MultipartUploads {

  /** Swift's largest single object (the default {@code max_file_size}), and so segment. */
  static final long MAX_SEGMENT_SIZE = 5L << 30;

  /** Swift's default {@code max_manifest_segments}. */
  static final int MAX_SEGMENTS = 1000;

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String PENDING = "pending";

  private final SwiftObjectStore store;
  private final long segmentSize;
  private final int parallelism;
  private final AtomicBoolean segmentContainerReady = new AtomicBoolean();
  private final ExecutorService uploads;

  SwiftLargeObjects(SwiftObjectStore store, long segmentSize, int parallelism) {
    this.store = store;
    this.segmentSize = segmentSize;
    this.parallelism = parallelism;
    this.uploads =
        Executors.newCachedThreadPool(
            r -> {
              Thread t = new Thread(r, "swift-segments");
              t.setDaemon(true);
              return t;
            });
  }

  String segmentContainer() {
    return store.container() + SwiftObjectStore.SEGMENTS_SUFFIX;
  }

  /** Whether {@link SwiftObjectStore#put} writes an object of {@code length} as segments. */
  boolean usesSegments(long length) {
    return length > segmentSize;
  }

  @Override
  public PartLimits partLimits() {
    return new PartLimits(1, MAX_SEGMENT_SIZE, MAX_SEGMENTS);
  }

  private static String newUploadId() {
    Instant now = Instant.now();
    return String.format(
        "%d.%06d-%08x",
        now.getEpochSecond(), now.getNano() / 1000, ThreadLocalRandom.current().nextInt());
  }

  private static String segmentName(String key, String uploadId, int partNumber) {
    return String.format("%s/slo/%s/%08d", key, uploadId, partNumber);
  }

  private static String pendingName(String key, String uploadId) {
    return key + "/slo/" + uploadId + "/" + PENDING;
  }

  @Override
  public UploadHandle begin(String key, PutOptions options) {
    String uploadId = newUploadId();
    putSegment(pendingName(key, uploadId), new byte[0], 0);
    return new UploadHandle(key, uploadId, options);
  }

  @Override
  public CompletedPart uploadPart(
      UploadHandle upload, int partNumber, InputStream content, long length) {
    ensureSegmentContainer();
    String name = segmentName(upload.key(), upload.uploadId(), partNumber);
    String what = "writing segment " + partNumber + " of " + store.uri(upload.key());
    HashingInputStream hashed = HashingInputStream.of(content);
    HttpResponse<InputStream> r =
        store.send(
            what,
            SwiftObjectStore.path(segmentContainer(), name),
            b ->
                b.PUT(
                    length == 0
                        ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.fromPublisher(
                            HttpRequest.BodyPublishers.ofInputStream(() -> hashed), length)),
            false,
            false);
    SwiftObjectStore.expectOk(r, what);
    SwiftObjectStore.discard(r);
    String etag = SwiftObjectStore.unquote(r.headers().firstValue("Etag").orElse(null));
    return new CompletedPart(partNumber, etag, length);
  }

  /** Writes one segment from memory, retried as a whole. */
  private CompletedPart putSegment(String name, byte[] data, int partNumber) {
    ensureSegmentContainer();
    String what = "writing segment " + name + " of " + store.root();
    return store.retry(
        what,
        () -> {
          HttpResponse<InputStream> r =
              store.send(
                  what,
                  SwiftObjectStore.path(segmentContainer(), name),
                  b -> b.PUT(HttpRequest.BodyPublishers.ofByteArray(data)),
                  true,
                  false);
          SwiftObjectStore.expectOk(r, what);
          SwiftObjectStore.discard(r);
          String etag = SwiftObjectStore.unquote(r.headers().firstValue("Etag").orElse(null));
          return new CompletedPart(partNumber, etag, data.length);
        });
  }

  private void ensureSegmentContainer() {
    if (segmentContainerReady.get()) {
      return;
    }
    String what = "creating the segment container " + segmentContainer();
    store.retry(
        what,
        () -> {
          HttpResponse<InputStream> r =
              store.send(
                  what,
                  "/" + SwiftPaths.encode(segmentContainer()),
                  b -> b.PUT(HttpRequest.BodyPublishers.noBody()),
                  true,
                  true);
          SwiftObjectStore.discard(SwiftObjectStore.expectOk(r, what));
          return null;
        });
    segmentContainerReady.set(true);
  }

  @Override
  public boolean canCopyPartFrom(ObjectStore source) {
    return false;
  }

  @Override
  public CompletedPart copyPart(
      UploadHandle upload,
      int partNumber,
      ObjectStore source,
      String sourceKey,
      ByteRange range,
      String ifMatch) {
    throw new UnsupportedOperationException(
        "Swift cannot fill a segment from a byte range of another object");
  }

  @Override
  public WriteResult complete(UploadHandle upload, List<CompletedPart> parts) {
    List<String> replaced = store.replacedSegments(upload.key(), upload.options());
    WriteResult w = writeManifest(upload, parts);
    deleteSegmentObject(pendingName(upload.key(), upload.uploadId()));
    store.deleteSegments(replaced);
    return w;
  }

  private WriteResult writeManifest(UploadHandle upload, List<CompletedPart> parts) {
    List<CompletedPart> ordered = new ArrayList<>(parts);
    ordered.sort(Comparator.comparingInt(CompletedPart::partNumber));
    ArrayNode manifest = JSON.createArrayNode();
    long size = 0;
    for (CompletedPart p : ordered) {
      manifest
          .addObject()
          .put(
              "path",
              "/"
                  + segmentContainer()
                  + "/"
                  + segmentName(upload.key(), upload.uploadId(), p.partNumber()))
          .put("etag", p.etag())
          .put("size_bytes", p.size());
      size += p.size();
    }
    String body = manifest.toString();
    String what = "writing the manifest of " + store.uri(upload.key());
    PutOptions options = upload.options();
    long total = size;
    return store.retry(
        what,
        () -> {
          HttpResponse<InputStream> r =
              store.send(
                  what,
                  SwiftObjectStore.path(store.container(), upload.key())
                      + "?multipart-manifest=put",
                  b -> {
                    b.PUT(HttpRequest.BodyPublishers.ofString(body));
                    SwiftObjectStore.writeHeaders(b, options);
                  },
                  true,
                  true);
          if (r.statusCode() == 412) {
            SwiftObjectStore.discard(r);
            throw new PreconditionFailedException(
                store.uri(upload.key()) + " already exists (If-None-Match: *)");
          }
          SwiftObjectStore.expectOk(r, what);
          SwiftObjectStore.discard(r);
          return new WriteResult(
              upload.key(),
              total,
              SwiftObjectStore.unquote(r.headers().firstValue("Etag").orElse(null)));
        });
  }

  /**
   * Writes {@code content} as segments of the segment size, up to {@code parallelism} of them in
   * flight at once (each held in memory while it is sent), then the manifest.
   */
  WriteResult putSegmented(String key, InputStream content, long length, PutOptions options) {
    long size = partLimits().partSizeFor(length, segmentSize);
    UploadHandle upload = new UploadHandle(key, newUploadId(), options);
    HashingInputStream hashed = HashingInputStream.of(content);
    Semaphore inFlight = new Semaphore(parallelism);
    List<Future<CompletedPart>> futures = new ArrayList<>();
    boolean done = false;
    try {
      long offset = 0;
      for (int part = 1; offset < length; part++) {
        int n = (int) Math.min(size, length - offset);
        inFlight.acquire();
        byte[] data;
        try {
          data = hashed.readNBytes(n);
        } catch (IOException e) {
          inFlight.release();
          throw new TransientStoreException(
              "writing " + store.uri(key) + ": reading the source failed: " + e.getMessage(), e);
        }
        if (data.length < n) {
          inFlight.release();
          throw new StoreException(
              "writing "
                  + store.uri(key)
                  + ": the source ended after "
                  + (offset + data.length)
                  + " of "
                  + length
                  + " bytes; nothing was written");
        }
        String name = segmentName(key, upload.uploadId(), part);
        int partNumber = part;
        futures.add(
            uploads.submit(
                () -> {
                  try {
                    return putSegment(name, data, partNumber);
                  } finally {
                    inFlight.release();
                  }
                }));
        offset += n;
      }
      List<CompletedPart> parts = new ArrayList<>();
      for (Future<CompletedPart> f : futures) {
        parts.add(f.get());
      }
      if (options.md5() != null && !options.md5().equalsIgnoreCase(hashed.md5Hex())) {
        throw options.md5Mismatch(store.uri(key), hashed.md5Hex());
      }
      WriteResult w = writeManifest(upload, parts);
      done = true;
      return w;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new TransientStoreException("writing " + store.uri(key) + ": interrupted", e);
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof StoreException se) {
        throw se;
      }
      throw new StoreException("writing " + store.uri(key) + ": " + cause, cause);
    } finally {
      if (!done) {
        // Let segments in flight finish (or fail) so that the abort sees and removes them all.
        for (Future<CompletedPart> f : futures) {
          try {
            f.get();
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            break;
          } catch (ExecutionException | RuntimeException ignored) {
            // reported above, or not the first failure
          }
        }
        abort(upload);
      }
    }
  }

  @Override
  public void abort(UploadHandle upload) {
    String prefix = upload.key() + "/slo/" + upload.uploadId() + "/";
    String token = null;
    try {
      do {
        ListPage page =
            store.listContainer(segmentContainer(), ListRequest.of(prefix).withPageToken(token));
        for (ObjectInfo o : page.objects()) {
          deleteSegmentObject(o.key());
        }
        token = page.nextPageToken();
      } while (token != null);
    } catch (io.skyrelay.connectors.ObjectNotFoundException noSegmentContainer) {
      // nothing was uploaded
    }
  }

  private void deleteSegmentObject(String name) {
    String what = "deleting segment " + name + " of " + store.root();
    store.retry(
        what,
        () -> {
          HttpResponse<InputStream> r =
              store.send(
                  what,
                  SwiftObjectStore.path(segmentContainer(), name),
                  HttpRequest.Builder::DELETE,
                  true,
                  true);
          if (r.statusCode() != 404) {
            SwiftObjectStore.expectOk(r, what);
          }
          SwiftObjectStore.discard(r);
          return null;
        });
  }

  @Override
  public List<UploadHandle> listPending(String prefix) {
    List<UploadHandle> pending = new ArrayList<>();
    String token = null;
    try {
      do {
        ListPage page =
            store.listContainer(segmentContainer(), ListRequest.of(prefix).withPageToken(token));
        for (ObjectInfo o : page.objects()) {
          String name = o.key();
          int slo = name.lastIndexOf("/slo/");
          if (slo < 0 || !name.endsWith("/" + PENDING)) {
            continue;
          }
          String id = name.substring(slo + 5, name.length() - PENDING.length() - 1);
          pending.add(new UploadHandle(name.substring(0, slo), id, PutOptions.DEFAULT));
        }
        token = page.nextPageToken();
      } while (token != null);
    } catch (io.skyrelay.connectors.ObjectNotFoundException noSegmentContainer) {
      return List.of();
    }
    return pending;
  }

  void close() {
    uploads.shutdownNow();
  }
}
