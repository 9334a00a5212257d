package io.skyrelay.pipelines.replicate;

import io.skyrelay.connectors.ObjectNotFoundException;
import io.skyrelay.connectors.ObjectStore;
import io.skyrelay.connectors.StoreUri;
import io.skyrelay.pipelines.common.StoresFile;
import io.skyrelay.transforms.replicate.StoreLocation;
import io.skyrelay.transforms.values.KeyFilter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The source and destinations of {@code replicate} as a user means them, the way {@code aws s3 cp}
 * and {@code rclone copyto} read them. A source URI ending in {@code /} is a folder. Otherwise it
 * is one object when an object of that key exists (a HEAD request; for {@code file://}, a regular
 * file at the path), else a folder. A single object goes, at each destination, to the folder the
 * destination names when it ends in {@code /} (or is a bucket, container or existing local folder),
 * keeping its name; otherwise to exactly the key the destination names.
 *
 * @param source where objects come from
 * @param destinations where they go
 * @param keys the keys of the job: all, or for a single object only that one (a listing of its key
 *     as a prefix also finds longer keys such as {@code report.csv.bak})
 */
record ReplicationLocations(
    StoreLocation source, List<StoreLocation> destinations, KeyFilter keys) {

  /** Accepts the empty relative key alone: the one object of single-object locations. */
  private static final KeyFilter THE_OBJECT = new KeyFilter(List.of("regex:"), List.of());

  static ReplicationLocations resolve(
      StoresFile stores,
      String source,
      String sourceRegion,
      List<String> destinations,
      String destRegion) {
    StoreLocation src = stores.locate(source, sourceRegion);
    StoreLocation object = objectAt(source, src);
    List<StoreLocation> dsts = new ArrayList<>();
    for (String d : destinations) {
      StoreLocation dst = stores.locate(d, destRegion);
      dsts.add(object == null ? dst : target(d, dst, nameOf(object)));
    }
    return object == null
        ? new ReplicationLocations(src, dsts, KeyFilter.all())
        : new ReplicationLocations(object, dsts, THE_OBJECT);
  }

  /** Whether the job copies one object rather than a folder. */
  boolean singleObject() {
    return source.singleObject();
  }

  /** The single object {@code text} names, or {@code null} when it names a folder. */
  private static StoreLocation objectAt(String text, StoreLocation located) {
    if (text.endsWith("/")) {
      return null;
    }
    StoreUri uri = located.uri();
    if (uri.scheme().equals("file")) {
      Path path = Path.of(uri.container());
      if (!Files.isRegularFile(path) || path.getParent() == null) {
        return null;
      }
      return StoreLocation.object(
          new StoreUri("file", null, path.getParent().toString(), path.getFileName().toString()),
          located.settings(),
          located.region());
    }
    if (uri.prefix().isEmpty()) {
      return null;
    }
    String key = uri.prefix().substring(0, uri.prefix().length() - 1); // without the added '/'
    try (ObjectStore store = located.open()) {
      store.head(key);
    } catch (ObjectNotFoundException e) {
      return null;
    }
    return StoreLocation.object(uri.withPrefix(key), located.settings(), located.region());
  }

  private static String nameOf(StoreLocation object) {
    String key = object.uri().prefix();
    return key.substring(key.lastIndexOf('/') + 1);
  }

  /** Where the object called {@code name} goes at the destination written {@code text}. */
  private static StoreLocation target(String text, StoreLocation located, String name) {
    StoreUri uri = located.uri();
    if (uri.scheme().equals("file")) {
      Path path = Path.of(uri.container());
      boolean folder = text.endsWith("/") || Files.isDirectory(path) || path.getParent() == null;
      StoreUri target =
          folder
              ? new StoreUri("file", null, path.toString(), name)
              : new StoreUri(
                  "file", null, path.getParent().toString(), path.getFileName().toString());
      return StoreLocation.object(target, located.settings(), located.region());
    }
    String prefix = uri.prefix(); // a folder's: empty or ending in '/'
    boolean folder = text.endsWith("/") || prefix.isEmpty();
    String key = folder ? prefix + name : prefix.substring(0, prefix.length() - 1);
    return StoreLocation.object(uri.withPrefix(key), located.settings(), located.region());
  }
}
