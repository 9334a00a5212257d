package io.skyrelay.connectors;

/** Copies whole objects inside a store, or between containers the store can reach directly. */
public interface ServerSideCopy {

  /** Whether {@link #copy} can take objects from {@code source} without passing the bytes here. */
  boolean canCopyFrom(ObjectStore source);

  /** Largest object one {@link #copy} call can copy; larger ones need part copies. */
  long maxCopySize();

  /**
   * Copies {@code sourceKey} of {@code source} to {@code targetKey} here, with the source's content
   * type and user metadata plus {@code extraMetadata}, provided the source still has ETag {@code
   * ifMatch} (when not {@code null}).
   */
  WriteResult copy(
      ObjectStore source,
      String sourceKey,
      String targetKey,
      String ifMatch,
      java.util.Map<String, String> extraMetadata);
}
