package io.skyrelay.connectors.local;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;

/**
 * The temporary files of writes in progress, under a store's {@code .skyrelay/tmp}. Each process
 * that writes to a folder gets a folder of its own there, {@code <pid>-<id>/}, next to a lock file
 * {@code <pid>-<id>.lock} that it holds locked for as long as it lives; the operating system
 * releases the lock when the process ends, also when it is killed. A sweep removes the folders
 * whose lock it can take, so the temporary files of a killed run go away while those of a job
 * writing the same folder at the same moment stay. Entries without a lock file (written by earlier
 * versions, or by a process killed while it set its folder up) are removed once they are an hour
 * old: a write in progress modifies its file all the time.
 */
final class LocalTemporaries {

  private static final String LOCK = ".lock";

  /** How old an entry without a lock must be to be taken for left over. */
  static final Duration UNLOCKED_AGE = Duration.ofHours(1);

  private static final long PID = ProcessHandle.current().pid();

  /** This process's name in every tmp folder. */
  private static final String OWNER = PID + "-" + UUID.randomUUID();

  /**
   * The locked files this process holds, by tmp folder. Kept for the process's lifetime: the
   * channels must stay open (closing one releases its lock), and must stay reachable.
   */
  private static final Map<Path, Held> HELD = new ConcurrentHashMap<>();

  private record Held(FileChannel channel, FileLock lock, Path folder) {}

  private LocalTemporaries() {}

  /**
   * This process's folder for temporary files under {@code tmpRoot}, made and locked on first use;
   * making it first sweeps what killed writers left there.
   */
  static Path folderOf(Path tmpRoot) {
    return HELD.computeIfAbsent(tmpRoot, LocalTemporaries::take).folder();
  }

  private static Held take(Path tmpRoot) {
    try {
      LocalObjectStore.ensureFolder(tmpRoot);
      Path folder = Files.createDirectories(tmpRoot.resolve(OWNER));
      // Locked under another name, then renamed: a sweep never sees the lock file unlocked.
      Path locking = tmpRoot.resolve(OWNER + ".locking");
      FileChannel channel =
          FileChannel.open(locking, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
      FileLock lock = channel.lock();
      Files.move(locking, tmpRoot.resolve(OWNER + LOCK), StandardCopyOption.ATOMIC_MOVE);
      sweep(tmpRoot);
      return new Held(channel, lock, folder);
    } catch (IOException e) {
      throw LocalObjectStore.translate("creating the folder for temporary files " + tmpRoot, e);
    }
  }

  /**
   * Removes what writers that no longer run left under {@code tmpRoot}; returns the number of
   * temporary files removed.
   */
  static int sweep(Path tmpRoot) {
    if (!Files.isDirectory(tmpRoot)) {
      return 0;
    }
    List<Path> entries;
    try (Stream<Path> list = Files.list(tmpRoot)) {
      entries = list.toList();
    } catch (IOException e) {
      return 0; // sweeping is housekeeping: a folder that cannot be listed is left as it is
    }
    Instant old = Instant.now().minus(UNLOCKED_AGE);
    int removed = 0;
    for (Path entry : entries) {
      String name = entry.getFileName().toString();
      if (name.endsWith(LOCK)) {
        removed += sweepLocked(tmpRoot, name.substring(0, name.length() - LOCK.length()));
      } else if (!name.equals(OWNER)
          && !Files.exists(tmpRoot.resolve(name + LOCK))
          && olderThan(entry, old)) {
        removed += deleteTree(entry);
      }
    }
    return removed;
  }

  /** Removes the folder of {@code owner} if its lock can be taken: its process has ended. */
  private static int sweepLocked(Path tmpRoot, String owner) {
    // A process's own locks must not be tried: on Linux, closing any channel of a file releases
    // the locks the process holds on it. Other class loaders of this process count as this one.
    if (owner.startsWith(PID + "-")) {
      return 0;
    }
    Path lockFile = tmpRoot.resolve(owner + LOCK);
    try (FileChannel ch = FileChannel.open(lockFile, StandardOpenOption.WRITE)) {
      FileLock lock = ch.tryLock();
      if (lock == null) {
        return 0; // its writer is alive
      }
      int removed = deleteTree(tmpRoot.resolve(owner));
      Files.deleteIfExists(lockFile);
      return removed;
    } catch (OverlappingFileLockException | NoSuchFileException e) {
      return 0; // held here, or swept by someone else meanwhile
    } catch (IOException e) {
      return 0;
    }
  }

  private static boolean olderThan(Path p, Instant t) {
    try {
      return Files.getLastModifiedTime(p).toInstant().isBefore(t);
    } catch (IOException e) {
      return false;
    }
  }

  /** Deletes {@code dir} (or file) and everything under it; returns the files deleted. */
  private static int deleteTree(Path dir) {
    int[] files = {0};
    try (Stream<Path> walk = Files.walk(dir)) {
      walk.sorted((a, b) -> b.getNameCount() - a.getNameCount())
          .forEach(
              p -> {
                boolean file = Files.isRegularFile(p);
                try {
                  if (Files.deleteIfExists(p) && file) {
                    files[0]++;
                  }
                } catch (IOException ignored) {
                  // left for the next sweep
                }
              });
    } catch (IOException ignored) {
      // gone already, or unreadable: left for the next sweep
    }
    return files[0];
  }
}
