package io.skyrelay.connectors.azure;

import com.azure.core.http.rest.PagedResponse;
import com.azure.core.util.BinaryData;
import com.azure.core.util.Context;
import com.azure.storage.blob.BlobContainerClient;
import com.azure.storage.blob.models.BlobHttpHeaders;
import com.azure.storage.blob.models.BlobItem;
import com.azure.storage.blob.models.BlobItemProperties;
import com.azure.storage.blob.models.BlobListDetails;
import com.azure.storage.blob.models.BlobRange;
import com.azure.storage.blob.models.BlobRequestConditions;
import com.azure.storage.blob.models.Block;
import com.azure.storage.blob.models.BlockBlobItem;
import com.azure.storage.blob.models.BlockListType;
import com.azure.storage.blob.models.ListBlobsOptions;
import com.azure.storage.blob.options.BlockBlobCommitBlockListOptions;
import com.azure.storage.blob.options.BlockBlobStageBlockFromUrlOptions;
import com.azure.storage.blob.options.BlockBlobStageBlockOptions;
import com.azure.storage.blob.specialized.BlockBlobClient;
import io.skyrelay.connectors.ByteRange;
import io.skyrelay.connectors.CompletedPart;
import io.skyrelay.connectors.MultipartUploads;
import io.skyrelay.connectors.ObjectStore;
import io.skyrelay.connectors.PartLimits;
import io.skyrelay.connectors.PutOptions;
import io.skyrelay.connectors.Retrier;
import io.skyrelay.connectors.UploadHandle;
import io.skyrelay.connectors.WriteResult;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;

/**
 * Multi-part uploads of one Azure container as staged blocks: a part is a block whose id is derived
 * from the upload id and the part number, and {@link #complete} commits the block list. Azure has
 * no way to discard staged blocks: {@link #abort} does nothing, and the blocks of an abandoned
 * upload expire after seven days (or when the blob is next committed). Parts are copied server-side
 * from another container through a read-only SAS for the source blob (see {@link AzureCopies}).
 */
final class AzureBlockUploads implements MultipartUploads {

  static final long MAX_PART = 4000L << 20;
  static final int MAX_PARTS = 50_000;
  private static final PartLimits PART_LIMITS = new PartLimits(1, MAX_PART, MAX_PARTS);

  /** Marks block ids made by this connector, so that {@link #listPending} can recognise them. */
  private static final String BLOCK_ID_TAG = "skyrelay";

  private final AzureBlobObjectStore store;
  private final BlobContainerClient container;
  private final AzureCopies copies;
  private final Retrier retrier;
  private final AzureErrors errors;

  AzureBlockUploads(
      AzureBlobObjectStore store,
      BlobContainerClient container,
      AzureCopies copies,
      Retrier retrier,
      AzureErrors errors) {
    this.store = store;
    this.container = container;
    this.copies = copies;
    this.retrier = retrier;
    this.errors = errors;
  }

  @Override
  public PartLimits partLimits() {
    return PART_LIMITS;
  }

  /** Nothing is sent to Azure: blocks are staged under ids that carry the upload id. */
  @Override
  public UploadHandle begin(String key, PutOptions options) {
    AzureBlobObjectStore.checkKey(key);
    store.azureMetadata(options.metadata(), key);
    return new UploadHandle(key, newUploadId(), options);
  }

  static String newUploadId() {
    return UUID.randomUUID().toString().replace("-", "");
  }

  /**
   * The block id of a part: Base64 of a fixed-length text (tag, 32 hex digits of upload id, 5
   * digits of part number), since Azure requires all block ids of a blob to have the same length.
   */
  static String blockId(String uploadId, int partNumber) {
    if (uploadId == null || !uploadId.matches("[0-9a-f]{32}")) {
      throw new IllegalArgumentException(
          "'" + uploadId + "' is not an upload id of the Azure connector");
    }
    if (partNumber < 1 || partNumber > MAX_PARTS) {
      throw new IllegalArgumentException(
          "part number must be in 1.." + MAX_PARTS + ", got " + partNumber);
    }
    String raw = BLOCK_ID_TAG + uploadId + String.format(Locale.ROOT, "%05d", partNumber);
    return Base64.getEncoder().encodeToString(raw.getBytes(StandardCharsets.US_ASCII));
  }

  /** The upload id a block id made by {@link #blockId} carries, or null for other block ids. */
  static String uploadIdOf(String blockId) {
    try {
      String raw = new String(Base64.getDecoder().decode(blockId), StandardCharsets.US_ASCII);
      if (raw.length() == BLOCK_ID_TAG.length() + 37
          && raw.startsWith(BLOCK_ID_TAG)
          && raw.substring(BLOCK_ID_TAG.length()).matches("[0-9a-f]{32}[0-9]{5}")) {
        return raw.substring(BLOCK_ID_TAG.length(), BLOCK_ID_TAG.length() + 32);
      }
    } catch (IllegalArgumentException notBase64) {
      // a block id of another tool
    }
    return null;
  }

  @Override
  public CompletedPart uploadPart(
      UploadHandle upload, int partNumber, InputStream content, long length) {
    checkPartSize(length);
    String id = blockId(upload.uploadId(), partNumber);
    try {
      store
          .blob(upload.key())
          .stageBlockWithResponse(
              new BlockBlobStageBlockOptions(id, BinaryData.fromStream(content, length)),
              null,
              Context.NONE);
    } catch (RuntimeException e) {
      throw errors.translate(e, "uploading part " + partNumber + " of", upload.key());
    }
    return new CompletedPart(partNumber, id, length);
  }

  private static void checkPartSize(long length) {
    if (length < 1 || length > MAX_PART) {
      throw new IllegalArgumentException(
          "an Azure block holds 1 byte to 4000 MiB, got " + length + " bytes");
    }
  }

  @Override
  public boolean canCopyPartFrom(ObjectStore source) {
    return copies.canCopyFrom(source);
  }

  @Override
  public CompletedPart copyPart(
      UploadHandle upload,
      int partNumber,
      ObjectStore source,
      String sourceKey,
      ByteRange range,
      String ifMatch) {
    AzureBlobObjectStore src = copies.requireCopySource(source);
    checkPartSize(range.length());
    String id = blockId(upload.uploadId(), partNumber);
    BlockBlobClient blob = store.blob(upload.key());
    String url = src.readUrl(sourceKey);
    BlockBlobStageBlockFromUrlOptions options =
        new BlockBlobStageBlockFromUrlOptions(id, url)
            .setSourceRange(new BlobRange(range.first(), range.length()));
    if (ifMatch != null) {
      options.setSourceRequestConditions(
          new BlobRequestConditions().setIfMatch(AzureBlobObjectStore.quote(ifMatch)));
    }
    // Staging the same block again replaces it with the same bytes: safe to retry.
    retrier.call(
        "copy part " + partNumber + " of " + upload.key(),
        () -> blob.stageBlockFromUrlWithResponse(options, null, Context.NONE),
        e ->
            errors.translate(
                e,
                "copying bytes "
                    + range.httpHeader()
                    + " of "
                    + src.where(sourceKey)
                    + " into part "
                    + partNumber
                    + " of",
                upload.key()));
    return new CompletedPart(partNumber, id, range.length());
  }

  @Override
  public WriteResult complete(UploadHandle upload, List<CompletedPart> parts) {
    if (parts.isEmpty()) {
      throw new IllegalArgumentException(
          "completing the upload of " + upload.key() + " needs at least one part");
    }
    List<CompletedPart> sorted = new ArrayList<>(parts);
    sorted.sort((a, b) -> Integer.compare(a.partNumber(), b.partNumber()));
    List<String> ids = new ArrayList<>(sorted.size());
    long size = 0;
    int previous = 0;
    for (CompletedPart p : sorted) {
      if (p.partNumber() == previous) {
        throw new IllegalArgumentException(
            "part " + p.partNumber() + " of " + upload.key() + " is listed twice");
      }
      previous = p.partNumber();
      ids.add(blockId(upload.uploadId(), p.partNumber()));
      size += p.size();
    }
    PutOptions options = upload.options();
    BlockBlobItem written =
        commit(
            upload.key(),
            store.blob(upload.key()),
            ids,
            new BlobHttpHeaders().setContentType(options.contentType()),
            store.azureMetadata(options.metadata(), upload.key()),
            options);
    return new WriteResult(upload.key(), size, AzureBlobObjectStore.unquote(written.getETag()));
  }

  /** Commits {@code ids} as the blob's block list, making it visible; retried. */
  BlockBlobItem commit(
      String key,
      BlockBlobClient blob,
      List<String> ids,
      BlobHttpHeaders headers,
      Map<String, String> metadata,
      PutOptions options) {
    return retrier.call(
        "commit " + key,
        () ->
            blob.commitBlockListWithResponse(
                    new BlockBlobCommitBlockListOptions(ids)
                        .setHeaders(headers)
                        .setMetadata(metadata)
                        .setTier(store.tier())
                        .setRequestConditions(AzureBlobObjectStore.createConditions(options)),
                    null,
                    Context.NONE)
                .getValue(),
        e -> errors.translate(e, "committing the blocks of", key));
  }

  /**
   * Does nothing: Azure cannot discard staged blocks. They stay invisible, and expire seven days
   * after they were staged, or vanish when the blob is next committed by anyone.
   */
  @Override
  public void abort(UploadHandle upload) {}

  /**
   * Uploads under {@code prefix} that were begun for keys with no committed blob yet: the listing
   * with uncommitted blobs shows them with size 0, and the block list of each such blob tells the
   * upload ids of its blocks (one request per empty or uncommitted blob). Uploads that overwrite an
   * existing blob are not found, and neither are the content type and metadata of an upload.
   * Because {@link #abort} cannot discard blocks, aborted uploads are listed until their blocks
   * expire.
   */
  @Override
  public List<UploadHandle> listPending(String prefix) {
    List<UploadHandle> pending = new ArrayList<>();
    ListBlobsOptions options =
        new ListBlobsOptions().setDetails(new BlobListDetails().setRetrieveUncommittedBlobs(true));
    if (prefix != null && !prefix.isEmpty()) {
      options.setPrefix(prefix);
    }
    String token = null;
    do {
      String t = token;
      PagedResponse<BlobItem> page =
          retrier.call(
              "list uploads",
              () -> container.listBlobs(options, null).iterableByPage(t).iterator().next(),
              e -> errors.translate(e, "listing pending uploads in", prefix));
      for (BlobItem item : page.getValue()) {
        if (!uncommitted(item)) {
          continue;
        }
        List<Block> blocks =
            retrier.call(
                "block list of " + item.getName(),
                () ->
                    container
                        .getBlobClient(item.getName())
                        .getBlockBlobClient()
                        .listBlocks(BlockListType.UNCOMMITTED)
                        .getUncommittedBlocks(),
                e -> errors.translate(e, "listing the uncommitted blocks of", item.getName()));
        blocks.stream()
            .map(b -> uploadIdOf(b.getName()))
            .filter(id -> id != null)
            .distinct()
            .forEach(id -> pending.add(new UploadHandle(item.getName(), id, PutOptions.DEFAULT)));
      }
      token = page.getContinuationToken();
    } while (token != null && !token.isEmpty());
    return pending;
  }

  /** A listed blob that may exist only as uncommitted blocks: it has no committed bytes. */
  private static boolean uncommitted(BlobItem item) {
    BlobItemProperties p = item.getProperties();
    return p == null || p.getContentLength() == null || p.getContentLength() == 0;
  }
}
