/**
 * The {@code skyrelay serve} command line: the catalogue and export service, its accounts and
 * tokens, and a demo that runs it over generated datasets with nothing installed.
 */
package io.skyrelay.pipelines.serve;
