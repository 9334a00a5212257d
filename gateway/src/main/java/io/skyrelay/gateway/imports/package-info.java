/**
 * Importing what a physical location already holds as a virtual bucket's objects in one region,
 * without copying: each object becomes a ready version whose base copy is the existing physical
 * object ({@link io.skyrelay.gateway.imports.BucketImport}).
 */
package io.skyrelay.gateway.imports;
