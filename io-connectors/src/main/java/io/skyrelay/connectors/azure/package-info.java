/**
 * The Azure Blob Storage connector ({@code az://account/container/prefix}), over the Azure SDK with
 * the JDK HTTP client: credentials from a connection string, shared key, SAS token or
 * DefaultAzureCredential; paged and delimited listing; reads streamed from one GET; puts as block
 * blobs with the MD5 checked against Azure's; multi-part uploads as staged blocks, filled from
 * streams or server-side from byte ranges of another container (Put Block From URL with a
 * short-lived read-only SAS); Copy Blob From URL; blob batch deletes; and a reversible mapping of
 * metadata keys to the C# identifiers Azure accepts.
 */
package io.skyrelay.connectors.azure;
