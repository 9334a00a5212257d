package io.skyrelay.connectors;

import java.io.Serializable;

/**
 * An upload in progress; plain data, so it can travel between workers.
 *
 * @param key the key the completed object will have
 * @param uploadId the store's identifier of the upload
 * @param options content type and metadata of the completed object
 */
public record UploadHandle(String key, String uploadId, PutOptions options)
    implements Serializable {}
