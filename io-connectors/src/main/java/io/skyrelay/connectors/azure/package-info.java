/**
 * The Azure Blob Storage connector ({@code az://account/container/prefix}), over the Azure SDK with
 * the JDK HTTP client: credentials from a connection string, shared key, SAS token or
 * DefaultAzureCredential. {@link io.skyrelay.connectors.azure.AzureBlobObjectStore} is the store
 * (paged and delimited listing, reads streamed from one GET, puts as block blobs with the MD5
 * checked against Azure's, blob batch deletes); {@link
 * io.skyrelay.connectors.azure.AzureBlockUploads} makes multi-part uploads of staged blocks, filled
 * from streams or server-side from byte ranges of another container (Put Block From URL with a
 * short-lived read-only SAS); {@link io.skyrelay.connectors.azure.AzureCopies} copies whole blobs
 * from URL; {@link io.skyrelay.connectors.azure.AzureErrors} translates exceptions; {@link
 * io.skyrelay.connectors.azure.MetadataNames} maps metadata keys reversibly to the C# identifiers
 * Azure accepts.
 */
package io.skyrelay.connectors.azure;
