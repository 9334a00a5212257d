package io.skyrelay.replay.beam;

import io.skyrelay.replay.sim.PolicyResult;
import io.skyrelay.replay.sim.Simulator;
import io.skyrelay.replay.trace.KeyInterner;
import io.skyrelay.replay.trace.Op;
import io.skyrelay.replay.trace.ParseReport;
import io.skyrelay.replay.trace.RequestBatch;
import io.skyrelay.replay.trace.TraceReader;
import io.skyrelay.replay.workload.WorkloadGenerator;
import io.skyrelay.replay.workload.WorkloadType;
import io.skyrelay.transforms.placement.CostModel;
import io.skyrelay.transforms.placement.Policy;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.channels.Channels;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.coders.VarIntCoder;
import org.apache.beam.sdk.coders.VarLongCoder;
import org.apache.beam.sdk.io.FileSystems;
import org.apache.beam.sdk.io.TextIO;
import org.apache.beam.sdk.metrics.Counter;
import org.apache.beam.sdk.metrics.MetricNameFilter;
import org.apache.beam.sdk.metrics.MetricQueryResults;
import org.apache.beam.sdk.metrics.MetricResult;
import org.apache.beam.sdk.metrics.Metrics;
import org.apache.beam.sdk.metrics.MetricsFilter;
import org.apache.beam.sdk.options.PipelineOptions;
import org.apache.beam.sdk.transforms.Combine;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.GroupByKey;
import org.apache.beam.sdk.transforms.MapElements;
import org.apache.beam.sdk.transforms.Max;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.Values;
import org.apache.beam.sdk.transforms.windowing.BoundedWindow;
import org.apache.beam.sdk.transforms.windowing.GlobalWindow;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionView;
import org.apache.beam.sdk.values.TypeDescriptors;

/**
 * The trace replay as a Beam pipeline: read each trace file (one worker a file, keeping line
 * order), key requests by object, replay every object's requests in trace order with the same
 * {@link Simulator}s as the in-process replay, and add the results up per policy. Objects are
 * independent for every policy but two, so their sum is the in-process result (up to the order of
 * floating-point additions): {@code adaptive} learns its TTLs across objects and {@code lru} shares
 * a capacity between them, and both are refused here.
 *
 * <p>Several files are one trace in the order given (IBM traces come as one file per period).
 */
public final class BeamReplay {

  static final String NAMESPACE = "skyrelay-replay";

  private BeamReplay() {}

  /** Whether a policy gives the same result object by object as over the whole trace. */
  public static boolean perObject(Policy p) {
    return p.kind() != Policy.Kind.ADAPTIVE_TTL && p.kind() != Policy.Kind.LRU;
  }

  /** Throws for policies that depend on more than one object at a time. */
  public static void checkPolicies(List<Policy> policies) {
    for (Policy p : policies) {
      if (!perObject(p)) {
        throw new IllegalArgumentException(
            "policy "
                + p.name()
                + " cannot run as a Beam pipeline: its decisions for one object depend on other"
                + " objects ("
                + (p.kind() == Policy.Kind.LRU
                    ? "a capacity shared by all"
                    : "TTLs learned from all")
                + "); replay it in process");
      }
    }
  }

  /**
   * The replay's graph: per policy name, its result.
   *
   * @param files trace files, in trace order (IBM or workload CSV, plain or gzip)
   */
  public static PCollection<KV<String, PolicyResult>> expand(
      Pipeline p,
      List<String> files,
      CostModel model,
      List<Policy> policies,
      WorkloadType type,
      long seed,
      boolean strict) {
    checkPolicies(policies);
    List<KV<Integer, String>> indexed = new ArrayList<>();
    for (int i = 0; i < files.size(); i++) {
      indexed.add(KV.of(i, files.get(i)));
    }
    PCollection<KV<String, ObjectRequest>> requests =
        p.apply(
                "Files",
                Create.of(indexed).withCoder(KvCoder.of(VarIntCoder.of(), StringUtf8Coder.of())))
            .apply("ReadTrace", ParDo.of(new ReadTraceFn(model.regionLabels(), strict)))
            .setCoder(KvCoder.of(StringUtf8Coder.of(), new ObjectRequest.Coder()));
    PCollection<ObjectRequest> values = requests.apply("Requests", Values.create());
    PCollectionView<KV<Long, Long>> first =
        values
            .apply(
                "SeqAndTime",
                MapElements.into(
                        TypeDescriptors.kvs(TypeDescriptors.longs(), TypeDescriptors.longs()))
                    .via(r -> KV.of(r.seq(), r.timestampMs())))
            .setCoder(KvCoder.of(VarLongCoder.of(), VarLongCoder.of()))
            .apply("FirstRequest", Combine.globally(new FirstFn()).asSingletonView());
    PCollectionView<Long> last =
        values
            .apply(
                "Times", MapElements.into(TypeDescriptors.longs()).via(ObjectRequest::timestampMs))
            .apply("LastTime", Combine.globally(Max.ofLongs()).asSingletonView());
    return requests
        .apply("ByObject", GroupByKey.create())
        .apply(
            "ReplayObjects",
            ParDo.of(new ReplayObjectFn(model, policies, type, seed, first, last))
                .withSideInputs(first, last))
        .setCoder(KvCoder.of(StringUtf8Coder.of(), new PolicyResult.Coder()))
        .apply("SumPerPolicy", Combine.perKey(BeamReplay::sum));
  }

  static PolicyResult sum(Iterable<PolicyResult> results) {
    PolicyResult total = null;
    for (PolicyResult r : results) {
      if (total == null) {
        total = new PolicyResult(r.policy(), r.kind());
      }
      total.merge(r);
    }
    return total;
  }

  /**
   * Runs the replay and writes its results under {@code outDir}; read them with {@link
   * #readResults}.
   */
  public static PipelineResult run(
      PipelineOptions options,
      List<String> files,
      CostModel model,
      List<Policy> policies,
      WorkloadType type,
      long seed,
      boolean strict,
      Path outDir) {
    Pipeline p = Pipeline.create(options);
    expand(p, files, model, policies, type, seed, strict)
        .apply(
            "Encode", MapElements.into(TypeDescriptors.strings()).via(kv -> encode(kv.getValue())))
        .apply(
            "WriteResults",
            TextIO.write()
                .to(outDir.resolve("beam-results").toAbsolutePath().toString())
                .withSuffix(".txt"));
    PipelineResult result = p.run();
    result.waitUntilFinish();
    return result;
  }

  /** The results {@link #run} wrote, in the order of {@code policies}. */
  public static List<PolicyResult> readResults(Path outDir, List<Policy> policies) {
    Map<String, PolicyResult> byName = new TreeMap<>();
    try (var files = Files.list(outDir)) {
      for (Path f :
          files.filter(f -> f.getFileName().toString().startsWith("beam-results")).toList()) {
        for (String line : Files.readAllLines(f)) {
          if (!line.isBlank()) {
            PolicyResult r = decode(line);
            byName.put(r.policy(), r);
          }
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    List<PolicyResult> out = new ArrayList<>();
    for (Policy p : policies) {
      PolicyResult r = byName.get(p.name());
      out.add(r == null ? new PolicyResult(p.name(), p.kind()) : r);
    }
    return out;
  }

  /** What the readers counted, from the pipeline's metrics. */
  public static ParseReport parseReport(PipelineResult result) {
    MetricQueryResults q =
        result
            .metrics()
            .queryMetrics(
                MetricsFilter.builder()
                    .addNameFilter(MetricNameFilter.inNamespace(NAMESPACE))
                    .build());
    Map<String, Long> counts = new TreeMap<>();
    for (MetricResult<Long> c : q.getCounters()) {
      long v;
      try {
        v = c.getCommitted();
      } catch (UnsupportedOperationException e) {
        v = c.getAttempted();
      }
      counts.merge(c.getName().getName(), v, Long::sum);
    }
    return ParseReport.ofCounts(
        counts.getOrDefault("lines", 0L),
        counts.getOrDefault("requests", 0L),
        counts.getOrDefault("ignored", 0L),
        counts.getOrDefault("malformed", 0L));
  }

  static String encode(PolicyResult r) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try {
      new PolicyResult.Coder().encode(r, bytes);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return Base64.getEncoder().encodeToString(bytes.toByteArray());
  }

  static PolicyResult decode(String line) {
    try {
      return new PolicyResult.Coder()
          .decode(new ByteArrayInputStream(Base64.getDecoder().decode(line)));
    } catch (IOException | IllegalArgumentException e) {
      throw new IllegalStateException("unreadable result: " + e, e);
    }
  }

  /** Reads one trace file in order and emits its requests keyed by object. */
  static final class ReadTraceFn extends DoFn<KV<Integer, String>, KV<String, ObjectRequest>> {

    private static final long serialVersionUID = 1L;
    private final List<String> regions;
    private final boolean strict;
    private final Counter lines = Metrics.counter(NAMESPACE, "lines");
    private final Counter requests = Metrics.counter(NAMESPACE, "requests");
    private final Counter ignored = Metrics.counter(NAMESPACE, "ignored");
    private final Counter malformed = Metrics.counter(NAMESPACE, "malformed");

    ReadTraceFn(List<String> regions, boolean strict) {
      this.regions = new ArrayList<>(regions);
      this.strict = strict;
    }

    @ProcessElement
    public void process(
        @Element KV<Integer, String> file, OutputReceiver<KV<String, ObjectRequest>> out)
        throws IOException {
      long fileBase = (long) file.getKey() << 40;
      KeyInterner keys = new KeyInterner();
      RequestBatch b = new RequestBatch(1 << 12);
      InputStream in =
          Channels.newInputStream(
              FileSystems.open(FileSystems.matchSingleFileSpec(file.getValue()).resourceId()));
      try (TraceReader reader = new TraceReader(in, file.getValue(), keys, regions, strict)) {
        while (reader.next(b)) {
          for (int i = 0; i < b.size(); i++) {
            out.output(
                KV.of(
                    keys.key(b.object[i]),
                    new ObjectRequest(
                        fileBase + b.seq[i],
                        b.timestampMs[i],
                        b.op[i],
                        b.region[i],
                        b.keyHash[i],
                        b.size[i])));
          }
        }
        ParseReport r = reader.report();
        lines.inc(r.lines());
        requests.inc(r.requests());
        ignored.inc(r.ignored());
        malformed.inc(r.malformed());
      }
    }
  }

  /** The timestamp of the request that comes first in the trace. */
  static final class FirstFn extends Combine.BinaryCombineFn<KV<Long, Long>> {

    private static final long serialVersionUID = 1L;

    @Override
    public KV<Long, Long> apply(KV<Long, Long> a, KV<Long, Long> b) {
      return a.getKey() <= b.getKey() ? a : b;
    }

    @Override
    public KV<Long, Long> identity() {
      return KV.of(Long.MAX_VALUE, 0L);
    }
  }

  /**
   * Replays each object's requests, in trace order, under every policy; adds the results of a
   * bundle's objects up and emits them once per policy when the bundle ends.
   */
  static final class ReplayObjectFn
      extends DoFn<KV<String, Iterable<ObjectRequest>>, KV<String, PolicyResult>> {

    private static final long serialVersionUID = 1L;
    private final CostModel model;
    private final List<Policy> policies;
    private final WorkloadType type;
    private final long seed;
    private final PCollectionView<KV<Long, Long>> first;
    private final PCollectionView<Long> last;
    private transient WorkloadGenerator generator;
    private transient PolicyResult[] sums;

    ReplayObjectFn(
        CostModel model,
        List<Policy> policies,
        WorkloadType type,
        long seed,
        PCollectionView<KV<Long, Long>> first,
        PCollectionView<Long> last) {
      this.model = model;
      this.policies = new ArrayList<>(policies);
      this.type = type;
      this.seed = seed;
      this.first = first;
      this.last = last;
    }

    @Setup
    public void setup() {
      generator = new WorkloadGenerator(type, seed, model.regions());
    }

    @StartBundle
    public void startBundle() {
      sums = null;
    }

    @ProcessElement
    public void process(ProcessContext c) {
      long origin = c.sideInput(first).getValue();
      long end = c.sideInput(last);
      if (sums == null) {
        sums = new PolicyResult[policies.size()];
        for (int i = 0; i < sums.length; i++) {
          sums[i] = new PolicyResult(policies.get(i).name(), policies.get(i).kind());
        }
      }
      List<ObjectRequest> requests = new ArrayList<>();
      c.element().getValue().forEach(requests::add);
      requests.sort(Comparator.comparingLong(ObjectRequest::seq));
      RequestBatch batch = new RequestBatch(2 * requests.size());
      boolean firstOfObject = true;
      for (ObjectRequest r : requests) {
        int region = r.region();
        if (region < 0) {
          // An IBM trace: the same rules as WorkloadGenerator.assign, for one object.
          if (firstOfObject && (r.op() == Op.GET || r.op() == Op.HEAD)) {
            batch.add(
                r.seq(),
                r.timestampMs(),
                Op.PUT,
                generator.writeRegionBeforeTrace(r.seq(), r.keyHash()),
                0,
                r.keyHash(),
                r.size());
          }
          region = generator.region(r.op(), r.seq(), r.keyHash());
        }
        firstOfObject = false;
        batch.add(r.seq(), r.timestampMs(), r.op(), region, 0, r.keyHash(), r.size());
      }
      for (int i = 0; i < policies.size(); i++) {
        Simulator s = Simulator.of(policies.get(i), model, origin, sums[i]);
        s.process(batch);
        s.finish(end);
      }
    }

    @FinishBundle
    public void finishBundle(FinishBundleContext c) {
      if (sums != null) {
        for (PolicyResult r : sums) {
          c.output(KV.of(r.policy(), r), BoundedWindow.TIMESTAMP_MIN_VALUE, GlobalWindow.INSTANCE);
        }
      }
      sums = null;
    }
  }
}
