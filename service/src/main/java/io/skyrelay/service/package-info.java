/**
 * The catalogue and export service behind {@code skyrelay serve}: its configuration, the HTTP API
 * (Jetty core handlers, JSON with Jackson) and the service that starts the database, the API, the
 * profiling of datasets and the runner of export requests together.
 */
package io.skyrelay.service;
