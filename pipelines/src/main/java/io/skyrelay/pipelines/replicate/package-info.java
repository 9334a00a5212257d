/**
 * The batch replication job: {@code skyrelay replicate SRC DST [DST...]}, its options, the run
 * (stale-upload clean-up, pipeline, progress, metrics) and the summary and reports it leaves; and
 * {@code skyrelay check SRC DST}, the same listing, filters and diff without copying.
 */
package io.skyrelay.pipelines.replicate;
