package io.skyrelay.transforms.replicate;

import io.skyrelay.connectors.ByteRange;
import io.skyrelay.connectors.CompletedPart;
import io.skyrelay.connectors.HashingInputStream;
import io.skyrelay.connectors.ObjectContent;
import io.skyrelay.connectors.ObjectStore;
import io.skyrelay.connectors.PreconditionFailedException;
import io.skyrelay.connectors.PutOptions;
import io.skyrelay.connectors.StoreException;
import io.skyrelay.connectors.UploadHandle;
import io.skyrelay.connectors.WriteResult;
import io.skyrelay.transforms.values.ObjectEntry;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Carries a whole object or one part to a destination through relay regions, store and forward: the
 * bytes are written to the first relay's store under the job's staging prefix, copied from there to
 * the next relay's store or the destination, and each staged copy is deleted once the next hop
 * holds the bytes. Each hop reads its store through the job's {@link StoreViews}. The MD5 of what
 * left the source is checked against what reaches the destination.
 *
 * <p>A relay that fails is remembered for the rest of this worker's life: the caller falls back to
 * the direct path for this unit and every later one routed through that relay.
 */
final class RelayCopier {

  private final ObjectStore source;
  private final StoreLocation sourceLocation;
  private final ObjectStore destination;
  private final StoreLocation destinationLocation;
  private final int destinationIndex;
  private final Map<String, ObjectStore> relayStores;
  private final Routing routing;
  private final StoreViews views;
  private final Set<String> failedRelays = ConcurrentHashMap.newKeySet();

  RelayCopier(
      ObjectStore source,
      StoreLocation sourceLocation,
      ObjectStore destination,
      StoreLocation destinationLocation,
      int destinationIndex,
      Map<String, ObjectStore> relayStores,
      Routing routing,
      StoreViews views) {
    this.source = source;
    this.sourceLocation = sourceLocation;
    this.destination = destination;
    this.destinationLocation = destinationLocation;
    this.destinationIndex = destinationIndex;
    this.relayStores = relayStores;
    this.routing = routing;
    this.views = views;
  }

  /** A relay region's store failed; the unit was not written to the destination. */
  static final class RelayFailedException extends StoreException {
    private static final long serialVersionUID = 1L;
    final String relay;

    RelayFailedException(String relay, String message, Throwable cause) {
      super(message, cause);
      this.relay = relay;
    }
  }

  /** The first relay of {@code route} already known to have failed on this worker, or null. */
  String failedRelayOf(Routing.Route route) {
    for (String r : route.relays()) {
      if (failedRelays.contains(r)) {
        return r;
      }
    }
    return null;
  }

  /**
   * Copies a whole object to the destination through {@code route}'s relays.
   *
   * @throws PreconditionFailedException when the source no longer has the listed ETag
   * @throws RelayFailedException when a relay store fails (the caller falls back to direct)
   */
  ObjectCopier.Outcome copyWhole(ObjectEntry entry, Routing.Route route) {
    String name = "objects/" + entry.key;
    List<Staged> staged = new ArrayList<>();
    try {
      PutOptions options;
      String digest;
      String listedMd5;
      Staged first;
      String relay = route.relays().get(0);
      try (ObjectContent content =
          views
              .readFor(source, sourceLocation.region(), relay)
              .open(sourceLocation.keyOf(entry.key), null, entry.etag)) {
        options = ObjectCopier.putOptions(content.info(), entry.etag);
        listedMd5 = ObjectCopier.confirmedMd5(entry, content.info());
        HashingInputStream in = HashingInputStream.of(content.stream());
        first = stage(relay, name, in, entry.size, options);
        staged.add(first);
        digest = in.md5Hex();
      } catch (IOException e) {
        throw new StoreException("reading " + entry.key + " from the source: " + e, e);
      }
      if (listedMd5 != null && !listedMd5.equals(digest)) {
        throw new ObjectCopier.VerificationException(
            entry.key
                + ": the bytes read have MD5 "
                + digest
                + " but the source lists "
                + listedMd5);
      }
      Staged last = forward(first, route, name, entry.size, options, staged);
      String dstKey = destinationLocation.keyOf(entry.key);
      WriteResult w;
      String delivered;
      try (HashingInputStream in = HashingInputStream.of(last.open(destinationLocation.region()))) {
        w = destination.put(dstKey, in, entry.size, options.withMd5(digest));
        delivered = in.md5Hex();
      } catch (IOException e) {
        throw relayFailed(last.relay, "reading the staged copy", e);
      }
      if (!delivered.equals(digest)) {
        throw new ObjectCopier.VerificationException(
            dstKey + ": the relays delivered MD5 " + delivered + ", the source sent " + digest);
      }
      if (w.size() != entry.size && destination.head(dstKey).size() != entry.size) {
        throw new ObjectCopier.VerificationException(
            dstKey + ": wrote a different size than the source's " + entry.size + " bytes");
      }
      return new ObjectCopier.Outcome(entry.size, "relayed:" + route.label());
    } finally {
      cleanUp(staged);
    }
  }

  /**
   * Writes one part of a multi-part upload from a byte range of the source, through {@code route}'s
   * relays.
   */
  CompletedPart copyPart(
      UploadHandle upload,
      ObjectEntry entry,
      int partNumber,
      long offset,
      long length,
      Routing.Route route) {
    String name = "parts/" + entry.key + "/" + entry.etag + "/" + partNumber;
    List<Staged> staged = new ArrayList<>();
    try {
      String relay = route.relays().get(0);
      Staged first;
      String digest;
      try (InputStream raw =
          views
              .readFor(source, sourceLocation.region(), relay)
              .read(
                  sourceLocation.keyOf(entry.key),
                  ByteRange.ofLength(offset, length),
                  entry.etag)) {
        HashingInputStream in = HashingInputStream.of(raw);
        first = stage(relay, name, in, length, PutOptions.DEFAULT);
        staged.add(first);
        digest = in.md5Hex();
      } catch (IOException e) {
        throw new StoreException("reading part " + partNumber + " of " + entry.key + ": " + e, e);
      }
      Staged last = forward(first, route, name, length, PutOptions.DEFAULT, staged);
      CompletedPart part;
      String got;
      try (HashingInputStream in = HashingInputStream.of(last.open(destinationLocation.region()))) {
        part = destination.multipart().orElseThrow().uploadPart(upload, partNumber, in, length);
        got = in.md5Hex();
      } catch (IOException e) {
        throw relayFailed(last.relay, "reading the staged part", e);
      }
      if (!got.equals(digest)) {
        throw new ObjectCopier.VerificationException(
            upload.key()
                + " part "
                + partNumber
                + ": relays delivered MD5 "
                + got
                + ", sent "
                + digest);
      }
      return part;
    } finally {
      cleanUp(staged);
    }
  }

  /** Copies the staged unit along the rest of the route; returns the copy in the last relay. */
  private Staged forward(
      Staged first,
      Routing.Route route,
      String name,
      long length,
      PutOptions options,
      List<Staged> staged) {
    Staged at = first;
    for (int i = 1; i < route.relays().size(); i++) {
      String next = route.relays().get(i);
      Staged copy;
      try (InputStream in = at.open(next)) {
        copy = stage(next, name, in, length, options);
      } catch (IOException e) {
        throw relayFailed(at.relay, "reading the staged copy", e);
      }
      staged.add(copy);
      at.delete();
      staged.remove(at);
      at = copy;
    }
    return at;
  }

  private Staged stage(String relay, String name, InputStream in, long length, PutOptions o) {
    StoreLocation where = routing.relays().get(relay);
    String key = routing.stagedKey(where, destinationIndex, name);
    try {
      relayStores.get(relay).put(key, in, length, o);
    } catch (PreconditionFailedException changed) {
      throw changed;
    } catch (StoreException e) {
      if (e.getCause() instanceof PreconditionFailedException changed) {
        throw changed;
      }
      throw relayFailed(relay, "staging " + name, e);
    }
    return new Staged(relay, key);
  }

  private RelayFailedException relayFailed(String relay, String what, Exception e) {
    failedRelays.add(relay);
    return new RelayFailedException(
        relay, "relay " + relay + " failed " + what + ": " + e.getMessage(), e);
  }

  private void cleanUp(List<Staged> staged) {
    for (Staged s : staged) {
      try {
        s.delete();
      } catch (StoreException e) {
        // The staging prefix is job-unique: what is left there can be deleted with it.
      }
    }
  }

  /** A copy of a unit in a relay's store. */
  private final class Staged {
    final String relay;
    final String key;

    Staged(String relay, String key) {
      this.relay = relay;
      this.key = key;
    }

    /** Its bytes, as read for region {@code to}. */
    InputStream open(String to) {
      try {
        return views.readFor(relayStores.get(relay), relay, to).read(key, null, null);
      } catch (StoreException e) {
        throw relayFailed(relay, "reading " + key, e);
      }
    }

    void delete() {
      relayStores.get(relay).delete(key);
    }
  }
}
