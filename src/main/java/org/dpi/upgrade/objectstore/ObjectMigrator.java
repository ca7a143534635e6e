package org.dpi.upgrade.objectstore;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import okhttp3.Headers;
import okhttp3.Response;
import okio.BufferedSource;

/**
 * Makes the target's buckets identical to the source's (docs/objectstore.md, "What identical and
 * sync mean"): one listing of each side, then every object that is missing or differs in its bytes
 * or metadata is streamed from the source to the target, checked against the MD5 computed while it
 * streamed and against the metadata the target reports, and recorded in the bucket's manifest. All
 * buckets share one pool of {@code parallelism} copies. An object that keeps failing after its
 * retries is reported and the others are copied; a server that stops answering stops the run. The
 * same call is the pre-copy and the delta, and resumes after a crash. The source is only read.
 */
public final class ObjectMigrator {

  public static final String PRE_COPY = "pre-copy";
  public static final String DELTA = "delta";
  /** At most this many differences or failures are listed in a report. */
  static final int LISTED = 100;

  private static final Set<String> AUTH_CODES = Set.of("InvalidAccessKeyId", "SignatureDoesNotMatch", "AccessDenied",
      "AuthorizationHeaderMalformed");
  private static final Set<String> TRANSIENT_CODES = Set.of("SlowDown", "RequestTimeout", "InternalError",
      "ServiceUnavailable", "OperationAborted");
  private static final String BAD_DIGEST = "BadDigest";
  private static final int DELETE_BATCH = 1000;
  private static final String NOTHING_WRITTEN = " Nothing was written.";

  private final ObjectStoreSettings settings;
  private final S3 source;
  private final S3 target;

  public ObjectMigrator(ObjectStoreSettings settings) {
    settings.validate();
    this.settings = settings;
    this.source = new S3(settings.source(), settings);
    this.target = new S3(settings.target(), settings);
  }

  public static boolean isMode(Object mode) {
    return PRE_COPY.equals(mode) || DELTA.equals(mode);
  }

  /**
   * Copies what differs; in delta mode with {@code deleteRemoved} also deletes what is only on the
   * target. Throws {@link FailedObjectsException} after the run when some objects could not be copied.
   */
  public MigrationSummary migrate(MigrationPlan plan, String mode, MigrationProgress.Listener listener) {
    if (!isMode(mode)) {
      throw new IllegalArgumentException("mode must be " + PRE_COPY + " or " + DELTA + ", not " + mode);
    }
    Survey survey = survey(plan);
    boolean delete = DELTA.equals(mode) && plan.deleteRemoved();
    Run run = new Run(mode, survey, listener);
    Map<String, Manifest> manifests = new LinkedHashMap<>();
    try {
      for (var bucket : survey.copied().entrySet()) {
        String name = bucket.getKey();
        if (!bucket.getValue().targetExists()) {
          onTarget("create bucket " + name, run, () -> {
            target.makeBucket(name);
            return null;
          });
        }
        Manifest manifest = Manifest.open(settings.stateDirectory(), name);
        manifests.put(name, manifest);
        onTarget("abort the abandoned uploads of bucket " + name, run, () -> {
          settleUploads(name, manifest, bucket.getValue().target());
          return null;
        });
      }
      List<Work> work = new ArrayList<>();
      for (var bucket : survey.copied().entrySet()) {
        plan(bucket.getKey(), bucket.getValue(), manifests.get(bucket.getKey()), delete, run, work);
      }
      run.toDo(work);
      try (Parallel parallel = new Parallel(settings.parallelism(), "objectstore-copy")) {
        for (Work w : work) {
          if (!parallel.submit(w.task())) {
            break;
          }
        }
        parallel.await();
      }
      for (var gone : survey.gone().entrySet()) {
        run.gone.add(onTarget("delete bucket " + gone.getKey(), run,
            () -> removeGone(gone.getKey(), gone.getValue(), delete, run)));
      }
      for (var manifest : manifests.entrySet()) {
        for (Manifest.Upload upload : manifest.getValue().openUploads()) {
          if (upload.completing() == null) {
            abortQuietly(manifest.getKey(), upload.key(), upload.id(), manifest.getValue());
          }
        }
      }
    } catch (ObjectStoreException e) {
      throw e;
    } catch (Exception e) {
      throw new ObjectStoreException("The copy stopped: " + problem(e) + ". " + run.written(settings) + " Fix the cause"
          + " and retry: what is recorded is not copied again.", e);
    } finally {
      for (Manifest manifest : manifests.values()) {
        try {
          manifest.close();
        } catch (IOException e) {
          // every line was flushed when written
        }
      }
    }
    MigrationSummary summary = run.summary();
    if (summary.failed() > 0) {
      throw new FailedObjectsException(summary, settings.stateDirectory().toString());
    }
    return summary;
  }

  /**
   * Compares both sides object by object, by the listing, the manifest and HEAD where the listing
   * cannot tell; with {@code plan.verifyContent()} also reads every object back from the target and
   * hashes it. Writes nothing.
   */
  public VerificationReport verify(MigrationPlan plan) {
    Survey survey = survey(plan);
    Report report = new Report();
    AtomicLong bytesRead = new AtomicLong();
    long objects = 0;
    for (var gone : survey.gone().entrySet()) {
      report.add(gone.getKey() + ": bucket gone from the source, still on the target with "
          + gone.getValue().objects().size() + " object(s)");
    }
    try (Parallel parallel = new Parallel(settings.parallelism(), "objectstore-verify")) {
      for (var bucket : survey.copied().entrySet()) {
        String name = bucket.getKey();
        Map<String, Listing.Obj> targetObjects = bucket.getValue().target().objects();
        Map<String, Manifest.Entry> recorded = recorded(name);
        for (Listing.Obj s : bucket.getValue().source().objects().values()) {
          objects++;
          Listing.Obj t = targetObjects.get(s.key());
          Comparison c = compare(s, t, recorded.get(s.key()));
          String where = name + "/" + s.key() + ": ";
          switch (c.kind()) {
            case MISSING, DIFFERENT -> report.add(where + c.reason());
            case UNPROVEN -> {
              if (plan.verifyContent()) {
                parallel.submit(() -> compareContent(name, s, report, bytesRead));
              } else {
                report.add(where + c.reason());
              }
            }
            case IDENTICAL -> {
              if (plan.verifyContent()) {
                parallel.submit(() -> readBack(name, s, c, c.meta(), report, bytesRead));
              }
            }
            case SAME_BYTES -> parallel.submit(() -> {
              Headers sourceHeaders = checked(source, "reading its headers from", name, s.key(), report,
                  () -> source.head(name, s.key()));
              Headers targetHeaders = checked(target, "reading its headers from", name, s.key(), report,
                  () -> target.head(name, s.key()));
              if (sourceHeaders != null && targetHeaders != null) {
                Metadata meta = Metadata.of(sourceHeaders);
                List<String> differences = meta.differences(Metadata.of(targetHeaders));
                if (!differences.isEmpty()) {
                  report.add(where + "metadata differs: " + String.join(", ", differences));
                } else if (plan.verifyContent()) {
                  readBack(name, s, c, meta.digest(), report, bytesRead);
                }
              }
            });
          }
        }
        for (String key : targetObjects.keySet()) {
          if (!bucket.getValue().source().objects().containsKey(key)) {
            report.add(name + "/" + key + ": only on the target");
          }
        }
      }
      parallel.await();
    } catch (ObjectStoreException e) {
      throw e;
    } catch (Exception e) {
      throw new ObjectStoreException("Verifying stopped: " + problem(e) + ". Nothing was written.", e);
    }
    return new VerificationReport(List.copyOf(survey.copied().keySet()), objects, bytesRead.get(),
        plan.verifyContent(), report.total.get(), List.copyOf(report.listed));
  }

  /** Reads an object from both sides: the same MD5 and the same metadata, or a difference. */
  private void compareContent(String bucket, Listing.Obj s, Report report, AtomicLong bytesRead) throws Exception {
    Read onSource = checked(source, "reading it from", bucket, s.key(), report, () -> read(source, bucket, s));
    Read onTarget = checked(target, "reading it back from", bucket, s.key(), report, () -> read(target, bucket, s));
    if (onSource == null || onTarget == null) {
      return;
    }
    bytesRead.addAndGet(2 * s.size());
    String where = bucket + "/" + s.key() + ": ";
    List<String> metadata = onSource.meta().differences(onTarget.meta());
    if (!onSource.md5().equals(onTarget.md5())) {
      report.add(where + "the content differs (MD5 " + onSource.md5() + " on the source, " + onTarget.md5()
          + " on the target)");
    } else if (!metadata.isEmpty()) {
      report.add(where + "metadata differs: " + String.join(", ", metadata));
    }
  }

  /** An object read whole: the MD5 of its bytes and its metadata. */
  private record Read(String md5, Metadata meta) {
  }

  /** Null when the key is gone. */
  private static Read read(S3 side, String bucket, Listing.Obj s) throws Exception {
    try (Response in = side.get(bucket, s.key())) {
      return in == null ? null : new Read(PartDigests.of(in.body().source(), s.size(), null), Metadata.of(in.headers()));
    }
  }

  /** Reads one object back from the target: its bytes must hash to the recorded digest, its metadata to {@code meta}. */
  private void readBack(String bucket, Listing.Obj s, Comparison c, String meta, Report report, AtomicLong bytesRead)
      throws Exception {
    String where = bucket + "/" + s.key() + ": ";
    String[] read = checked(target, "reading it back from", bucket, s.key(), report, () -> {
      try (Response in = target.get(bucket, s.key())) {
        if (in == null) {
          return null;
        }
        String digest = PartDigests.of(in.body().source(), s.size(), c.partSize());
        bytesRead.addAndGet(s.size());
        return new String[] {digest, Metadata.of(in.headers()).digest()};
      }
    });
    if (read == null) {
      return;
    }
    if (!read[0].equals(c.md5())) {
      report.add(where + "the target content has digest " + read[0] + ", not the " + c.md5()
          + " of the bytes copied from the source");
    }
    if (!read[1].equals(meta)) {
      Headers sourceHeaders = checked(source, "reading its headers from", bucket, s.key(), report,
          () -> source.head(bucket, s.key()));
      Headers targetHeaders = checked(target, "reading its headers from", bucket, s.key(), report,
          () -> target.head(bucket, s.key()));
      if (sourceHeaders != null && targetHeaders != null) {
        report.add(where + "metadata differs: "
            + String.join(", ", Metadata.of(sourceHeaders).differences(Metadata.of(targetHeaders))));
      }
    }
  }

  /** A step of the verification; a failure is a difference, unless the server stopped answering. */
  private <T> T checked(S3 side, String action, String bucket, String key, Report report, Call<T> call)
      throws Exception {
    try {
      return call.call();
    } catch (Exception e) {
      if (e instanceof IOException && !answers(side)) {
        throw new ObjectStoreException("The " + side.endpoint() + " stopped answering: " + problem(e)
            + ". Nothing was written.", e);
      }
      report.add(bucket + "/" + key + ": " + action + " the " + side.endpoint() + " failed: " + problem(e));
      return null;
    }
  }

  private Map<String, Manifest.Entry> recorded(String bucket) {
    try {
      return Manifest.read(Manifest.file(settings.stateDirectory(), bucket)).entries();
    } catch (IOException e) {
      throw new ObjectStoreException("The manifest " + Manifest.file(settings.stateDirectory(), bucket)
          + " cannot be read: " + e.getMessage() + ". Restore it from a backup, or remove it and run the delta again"
          + " (it is rebuilt from both listings; objects copied in parts are then copied again). Nothing was written.",
          e);
    }
  }

  // ---------------------------------------------------------------- what differs

  enum Kind { MISSING, DIFFERENT, UNPROVEN, IDENTICAL, SAME_BYTES }

  /**
   * How a source object compares with the target: IDENTICAL as recorded (no request needed),
   * SAME_BYTES when the bytes are known equal but the metadata must be compared (HEAD both),
   * UNPROVEN when neither the manifest nor the ETags can tell (only reading both sides can), or
   * MISSING/DIFFERENT with the reason. {@code md5}/{@code partSize}: the digest the target bytes
   * must have; {@code meta}: the recorded metadata digest.
   */
  record Comparison(Kind kind, String reason, String md5, Long partSize, String meta) {
    static Comparison differs(Kind kind, String reason) {
      return new Comparison(kind, reason, null, null, null);
    }
  }

  static Comparison compare(Listing.Obj s, Listing.Obj t, Manifest.Entry m) {
    if (t == null) {
      return Comparison.differs(Kind.MISSING, "missing on the target");
    }
    if (t.size() != s.size()) {
      return Comparison.differs(Kind.DIFFERENT, "size " + t.size() + " on the target, " + s.size() + " on the source");
    }
    if (m != null && m.size() == s.size() && m.sourceEtag().equals(s.etag()) && m.targetEtag().equals(t.etag())) {
      boolean unchanged = m.meta() != null && m.sourceModified() == s.modified() && m.targetModified() == t.modified();
      return new Comparison(unchanged ? Kind.IDENTICAL : Kind.SAME_BYTES, null, m.md5(), m.partSize(), m.meta());
    }
    if (s.plainMd5() && s.etag().equals(t.etag())) {
      return new Comparison(Kind.SAME_BYTES, null, s.etag(), null, null);
    }
    if (m == null) {
      return Comparison.differs(Kind.UNPROVEN, "not recorded in the manifest and its ETag differs (" + t.etag()
          + " on the target, " + s.etag() + " on the source)");
    }
    if (!m.sourceEtag().equals(s.etag())) {
      return Comparison.differs(Kind.DIFFERENT, "changed on the source since it was copied");
    }
    return Comparison.differs(Kind.DIFFERENT, "changed on the target since it was copied (ETag " + t.etag()
        + ", recorded " + m.targetEtag() + ")");
  }

  // ---------------------------------------------------------------- survey: checks and listings, no write

  /** A bucket's listings; the target's is empty while the bucket does not exist there. */
  private record Sides(Listing source, Listing target, boolean targetExists) {
  }

  /** {@code copied}: the buckets to copy; {@code gone}: those this migration copied that the source no longer has. */
  private record Survey(Map<String, Sides> copied, Map<String, Listing> gone) {
  }

  /**
   * Checks both servers and keys, the plan's buckets and the state directory, then lists every
   * bucket on both sides, all listings at once. Writes nothing.
   */
  private Survey survey(MigrationPlan plan) {
    CompletableFuture<List<String>> targetBuckets = CompletableFuture.supplyAsync(
        () -> preflight(target, "list the buckets", target::buckets));
    List<String> onSource = preflight(source, "list the buckets", source::buckets);
    List<String> onTarget;
    try {
      onTarget = targetBuckets.join();
    } catch (CompletionException e) {
      throw (ObjectStoreException) e.getCause();
    }
    List<String> recorded;
    try {
      recorded = Manifest.buckets(settings.stateDirectory());
    } catch (IOException e) {
      throw new ObjectStoreException("The state directory " + settings.stateDirectory() + " cannot be read ("
          + settings.setting("state-directory") + "): " + e.getMessage() + "." + NOTHING_WRITTEN, e);
    }
    Set<String> named = new LinkedHashSet<>(plan.allBuckets() ? onSource : plan.buckets());
    if (plan.allBuckets()) {
      named.addAll(recorded);
    }
    List<String> gone = named.stream().filter(b -> !onSource.contains(b) && recorded.contains(b) && onTarget.contains(b))
        .toList();
    List<String> missing = plan.allBuckets() ? List.of()
        : named.stream().filter(b -> !onSource.contains(b) && !gone.contains(b)).toList();
    if (!missing.isEmpty()) {
      throw new ObjectStoreException("The plan names bucket(s) " + missing + " that the " + settings.source()
          + " does not have (it has " + onSource + "). Correct objectstore.buckets in the plan." + NOTHING_WRITTEN);
    }
    List<String> copied = named.stream().filter(onSource::contains).toList();
    ExecutorService listers = Executors.newFixedThreadPool(
        Math.max(1, Math.min(settings.parallelism(), 2 * copied.size() + gone.size())));
    try {
      Map<String, Future<Listing>> sources = new LinkedHashMap<>();
      Map<String, Future<Listing>> targets = new LinkedHashMap<>();
      for (String bucket : copied) {
        sources.put(bucket, listers.submit(() -> preflight(source, "list bucket " + bucket, () -> source.list(bucket))));
        if (onTarget.contains(bucket)) {
          targets.put(bucket, listers.submit(() -> preflight(target, "list bucket " + bucket,
              () -> target.list(bucket))));
        }
      }
      for (String bucket : gone) {
        targets.put(bucket, listers.submit(() -> preflight(target, "list bucket " + bucket, () -> target.list(bucket))));
      }
      Map<String, Sides> sides = new LinkedHashMap<>();
      for (String bucket : copied) {
        Future<Listing> onTheTarget = targets.get(bucket);
        sides.put(bucket, new Sides(sources.get(bucket).get(),
            onTheTarget == null ? new Listing(Map.of()) : onTheTarget.get(), onTheTarget != null));
      }
      Map<String, Listing> goneListings = new LinkedHashMap<>();
      for (String bucket : gone) {
        goneListings.put(bucket, targets.get(bucket).get());
      }
      return new Survey(sides, goneListings);
    } catch (ExecutionException e) {
      throw (ObjectStoreException) e.getCause();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ObjectStoreException("Interrupted while listing the buckets." + NOTHING_WRITTEN, e);
    } finally {
      listers.shutdownNow();
    }
  }

  /** A read before any write: a failure names the side, the settings to check and that nothing was written. */
  private <T> T preflight(S3 side, String action, Call<T> call) {
    try {
      return call.call();
    } catch (Exception e) {
      throw new ObjectStoreException("Could not " + action + " on the " + side.endpoint() + ": " + problem(e)
          + hint(side, e) + NOTHING_WRITTEN, e);
    }
  }

  private String hint(S3 side, Exception e) {
    Endpoint endpoint = side.endpoint();
    if (e instanceof S3.ServerError r && AUTH_CODES.contains(r.code)) {
      return ". Check the access and secret keys (" + endpoint.setting("access-key") + "; "
          + endpoint.setting("secret-key") + ") and the region (" + endpoint.setting("region") + ", now "
          + endpoint.region() + ").";
    }
    return e instanceof IOException ? ". Check the endpoint (" + endpoint.setting("endpoint")
        + ") and that the server runs." : ".";
  }

  // ---------------------------------------------------------------- migration

  /** One unit of work for the pool: the objects and bytes it covers, for the estimate of the time left. */
  private record Work(long objects, long bytes, Parallel.Task task) {
  }

  /** Decides per object; what needs a request becomes work, the rest is counted now. */
  private void plan(String bucket, Sides sides, Manifest manifest, boolean delete, Run run, List<Work> work) {
    Map<String, Listing.Obj> targetObjects = sides.target().objects();
    for (Listing.Obj s : sides.source().objects().values()) {
      Comparison c = compare(s, targetObjects.get(s.key()), manifest.get(s.key()));
      if (c.kind() == Kind.IDENTICAL) {
        run.identical(s.size());
      } else {
        work.add(new Work(1, s.size(), () -> transfer(bucket, s, c, manifest, run)));
      }
    }
    List<String> onlyOnTarget = targetObjects.keySet().stream()
        .filter(key -> !sides.source().objects().containsKey(key)).toList();
    if (delete) {
      for (int i = 0; i < onlyOnTarget.size(); i += DELETE_BATCH) {
        List<String> batch = onlyOnTarget.subList(i, Math.min(onlyOnTarget.size(), i + DELETE_BATCH));
        work.add(new Work(batch.size(), 0, () -> delete(bucket, batch, manifest, run)));
      }
    } else {
      run.onlyOnTarget.addAndGet(onlyOnTarget.size());
    }
    for (String key : List.copyOf(manifest.entries().keySet())) {
      if (!targetObjects.containsKey(key) && !sides.source().objects().containsKey(key)) {
        manifest.remove(key); // gone from both sides since it was recorded
      }
    }
  }

  enum Outcome { COPIED, IDENTICAL, VANISHED }

  /** One object, with retries; a failure after them is recorded in the run, unless its server stopped answering. */
  private void transfer(String bucket, Listing.Obj s, Comparison c, Manifest manifest, Run run) throws Exception {
    boolean etagIsMd5 = true;
    for (int attempt = 1; ; attempt++) {
      try {
        Outcome outcome = c.kind() == Kind.SAME_BYTES ? checkOrCopy(bucket, s, c, manifest, etagIsMd5)
            : copy(bucket, s, manifest, etagIsMd5);
        run.finished(outcome, s.size());
        return;
      } catch (StepFailure f) {
        // the bytes read do not have the MD5 the source's ETag states (encrypted, or damaged at rest)
        etagIsMd5 &= !(f.getCause() instanceof S3.ServerError r && BAD_DIGEST.equals(r.code));
        if (f.retryable() && attempt <= settings.retries()) {
          Thread.sleep(settings.retryBackoff().toMillis() << (attempt - 1));
          continue;
        }
        if (f.getCause() instanceof IOException && !answers(f.side)) {
          throw new ObjectStoreException("The " + f.side.endpoint() + " stopped answering: " + problem(f.getCause())
              + ". " + run.written(settings) + " Fix the cause and retry: what is recorded is not copied again.", f);
        }
        run.failed(s.size(), bucket + "/" + s.key() + ": " + f.getMessage() + " (" + attempt + " attempt"
            + (attempt > 1 ? "s)" : ")"));
        return;
      }
    }
  }

  /** Same bytes on both sides: HEAD both; the same metadata too makes it identical (recorded), else it is copied. */
  private Outcome checkOrCopy(String bucket, Listing.Obj s, Comparison c, Manifest manifest, boolean etagIsMd5)
      throws Exception {
    String key = s.key();
    Headers sourceHeaders = step(source, "reading its headers from", () -> source.head(bucket, key));
    if (sourceHeaders == null) {
      return Outcome.VANISHED;
    }
    Headers targetHeaders = step(target, "reading its headers from", () -> target.head(bucket, key));
    if (targetHeaders != null && etag(sourceHeaders).equals(s.etag())) {
      Metadata meta = Metadata.of(sourceHeaders);
      if (meta.differences(Metadata.of(targetHeaders)).isEmpty()) {
        manifest.record(new Manifest.Entry(key, s.size(), c.md5(), c.partSize(), s.etag(), modified(sourceHeaders),
            etag(targetHeaders), modified(targetHeaders), meta.digest()));
        return Outcome.IDENTICAL;
      }
    }
    return copy(bucket, s, manifest, etagIsMd5);
  }

  /**
   * Streams one object from the source to the target (in parts above the part size); records it
   * once the target's ETag matches the MD5 of the bytes read and the target reports the same metadata.
   * When the source's ETag is a plain MD5 (and {@code etagIsMd5}), that MD5 is sent as Content-MD5
   * instead of hashing the bytes here: the target refuses bytes that differ from what the source
   * stored, and its ETag must equal the source's.
   */
  private Outcome copy(String bucket, Listing.Obj s, Manifest manifest, boolean etagIsMd5) throws Exception {
    String key = s.key();
    Response in = step(source, "reading it from", () -> source.get(bucket, key));
    if (in == null) {
      return Outcome.VANISHED;
    }
    try (in) {
      Headers headers = in.headers();
      String length = headers.get("Content-Length");
      long size = length == null ? s.size() : Long.parseLong(length);
      Metadata meta = Metadata.of(headers);
      Headers.Builder write = meta.headers();
      String tagCount = headers.get("x-amz-tagging-count");
      if (tagCount != null && !tagCount.equals("0")) {
        Map<String, String> tags = step(source, "reading its tags from", () -> source.tags(bucket, key));
        write.add("x-amz-tagging", tagging(tags));
      }
      Long partSize = size > settings.partSize() ? settings.partSize() : null;
      String sourceEtag = etag(headers);
      boolean byEtag = etagIsMd5 && partSize == null && Listing.plainMd5(sourceEtag);
      if (byEtag) {
        write.add("Content-MD5", Base64.getEncoder().encodeToString(HexFormat.of().parseHex(sourceEtag)));
      }
      Manifest.Entry copied = new Manifest.Entry(key, size, null, partSize, sourceEtag, modified(headers), null, 0,
          meta.digest());
      BufferedSource body = in.body().source();
      PartDigests digests = new PartDigests();
      String targetEtag = partSize == null
          ? step(target, "writing it to", () -> target.put(bucket, key, write.build(), digests.part(body, size, !byEtag)))
          : multipart(bucket, key, write.build(), body, size, digests, copied, manifest);
      String digest = byEtag ? sourceEtag : digests.etag();
      if (!digest.equals(targetEtag) && !digest.equals(step(target, "reading it back from", () -> {
        try (Response back = target.get(bucket, key)) {
          return back == null ? null : PartDigests.of(back.body().source(), size, partSize);
        }
      }))) {
        throw new StepFailure(target, "writing it to", new Mismatch("the target stored other bytes than the "
            + digests.count() + " read from the source (target ETag " + targetEtag + ", MD5 of what was sent "
            + digest + ")"));
      }
      Headers stored = step(target, "reading its headers back from", () -> target.head(bucket, key));
      if (stored == null) {
        throw new StepFailure(target, "reading its headers back from", new Mismatch("it is missing right after"
            + " its upload"));
      }
      List<String> lost = meta.differences(Metadata.of(stored));
      if (!lost.isEmpty()) {
        throw new StepFailure(target, "writing it to", new IllegalStateException("the target did not keep its"
            + " metadata: " + String.join(", ", lost)));
      }
      manifest.record(new Manifest.Entry(key, size, digest, partSize, copied.sourceEtag(), copied.sourceModified(),
          etag(stored), modified(stored), copied.meta()));
      return Outcome.COPIED;
    }
  }

  /**
   * Uploads in parts streamed one after the other from {@code body}, each checked against its MD5;
   * records the upload when it starts and the expected entry just before completing it, so a resume
   * knows a completed upload it did not record, and aborts it on failure.
   */
  private String multipart(String bucket, String key, Headers headers, BufferedSource body, long size,
      PartDigests digests, Manifest.Entry copied, Manifest manifest) throws Exception {
    String uploadId = step(target, "starting the upload of it to", () -> target.createUpload(bucket, key, headers));
    manifest.uploadStarted(key, uploadId);
    boolean completed = false;
    try {
      List<String> parts = new ArrayList<>();
      for (long offset = 0; offset < size; offset += copied.partSize()) {
        int number = parts.size() + 1;
        long length = Math.min(copied.partSize(), size - offset);
        String etag = step(target, "writing part " + number + " of it to",
            () -> target.uploadPart(bucket, key, uploadId, number, digests.part(body, length, true)));
        if (!etag.equals(digests.lastPart())) {
          throw new StepFailure(target, "writing part " + number + " of it to", new Mismatch("the target stored other"
              + " bytes than were read from the source (ETag " + etag + ", MD5 " + digests.lastPart() + ")"));
        }
        parts.add(etag);
      }
      manifest.uploadCompleting(uploadId, new Manifest.Entry(key, size, digests.etag(), copied.partSize(),
          copied.sourceEtag(), copied.sourceModified(), digests.etag(), 0, copied.meta()));
      String etag = step(target, "completing the upload of it to", () -> target.complete(bucket, key, uploadId, parts));
      completed = true;
      return etag;
    } finally {
      if (!completed) {
        abortQuietly(bucket, key, uploadId, manifest);
      }
    }
  }

  private void abortQuietly(String bucket, String key, String uploadId, Manifest manifest) {
    try {
      target.abort(bucket, key, uploadId);
      manifest.uploadAborted(key, uploadId);
    } catch (Exception e) {
      // stays recorded as open: aborted at the end of the run or at the next one
    }
  }

  /**
   * Before deciding anything at a resume: an upload recorded as completing whose object is on the
   * target with the expected ETag was completed, so its entry is adopted (its metadata is then checked
   * like any unverified entry); every other upload the migrator started is aborted.
   */
  private void settleUploads(String bucket, Manifest manifest, Listing onTarget) throws Exception {
    for (Manifest.Upload upload : manifest.openUploads()) {
      Manifest.Entry expected = upload.completing();
      Listing.Obj t = onTarget.objects().get(upload.key());
      if (expected != null && t != null && t.etag().equals(expected.targetEtag()) && t.size() == expected.size()) {
        manifest.record(expected);
      }
    }
    for (Manifest.Upload upload : manifest.openUploads()) {
      target.abort(bucket, upload.key(), upload.id());
      manifest.uploadAborted(upload.key(), upload.id());
    }
  }

  /** A bucket-level step on the target during a run; a failure stops the run, saying what is done. */
  private <T> T onTarget(String action, Run run, Call<T> call) {
    try {
      return call.call();
    } catch (Exception e) {
      throw new ObjectStoreException("Could not " + action + " on the " + target.endpoint() + ": " + problem(e) + ". "
          + run.written(settings) + " Fix the cause and retry: what is recorded is not copied again.", e);
    }
  }


  private void delete(String bucket, List<String> keys, Manifest manifest, Run run) throws Exception {
    try {
      target.delete(bucket, keys);
    } catch (S3.ServerError e) {
      run.failure(bucket + ": deleting " + keys.size() + " object(s) only on the target (" + keys.get(0)
          + (keys.size() > 1 ? ", ..." : "") + ") failed on the " + target.endpoint() + ": " + problem(e));
      run.done(keys.size(), 0);
      return;
    }
    keys.forEach(key -> {
      if (manifest.get(key) != null) {
        manifest.remove(key);
      }
    });
    run.deleted.addAndGet(keys.size());
    run.done(keys.size(), 0);
  }

  /** A bucket this migration copied that the source no longer has: deleted with everything in it only when asked. */
  private String removeGone(String bucket, Listing onTarget, boolean delete, Run run) throws Exception {
    if (!delete) {
      return "bucket " + bucket + " is gone from the source; kept on the target with " + onTarget.objects().size()
          + " object(s) (delta with deleteRemoved deletes it)";
    }
    List<String> keys = List.copyOf(onTarget.objects().keySet());
    for (int i = 0; i < keys.size(); i += DELETE_BATCH) {
      target.delete(bucket, keys.subList(i, Math.min(keys.size(), i + DELETE_BATCH)));
    }
    target.removeBucket(bucket);
    Manifest.delete(settings.stateDirectory(), bucket);
    run.deleted.addAndGet(keys.size());
    return "bucket " + bucket + " is gone from the source; deleted on the target with its " + keys.size()
        + " object(s)";
  }

  private static String tagging(Map<String, String> tags) {
    List<String> pairs = new ArrayList<>();
    tags.forEach((k, v) -> pairs.add(URLEncoder.encode(k, StandardCharsets.UTF_8) + "="
        + URLEncoder.encode(v, StandardCharsets.UTF_8)));
    return String.join("&", pairs);
  }

  private static String etag(Headers headers) {
    return Listing.etag(headers.get("ETag"));
  }

  private static long modified(Headers headers) {
    return S3.httpSeconds(headers.get("Last-Modified"));
  }

  // ---------------------------------------------------------------- failures

  @FunctionalInterface
  private interface Call<T> {
    T call() throws Exception;
  }

  /** A step of one object failed: on which side, doing what; the cause is the server's or the network's. */
  private final class StepFailure extends Exception {
    final transient S3 side;

    StepFailure(S3 side, String action, Throwable cause) {
      super(action + " the " + side.endpoint() + " failed: " + problem(cause), cause);
      this.side = side;
    }

    /** Network failures, server-side errors and throttling, and a copy that arrived different. */
    boolean retryable() {
      if (getCause() instanceof S3.ServerError r) {
        return r.status >= 500 || r.status == 408 || r.status == 429 || TRANSIENT_CODES.contains(r.code)
            || BAD_DIGEST.equals(r.code);
      }
      return getCause() instanceof IOException || getCause() instanceof Mismatch;
    }
  }

  /** The target holds other bytes than were sent. */
  private static final class Mismatch extends Exception {
    Mismatch(String message) {
      super(message);
    }
  }

  /** Runs one step of an object; a failure reading the source while uploading is the source's. */
  private <T> T step(S3 side, String action, Call<T> call) throws StepFailure {
    try {
      return call.call();
    } catch (StepFailure e) {
      throw e;
    } catch (Exception e) {
      boolean sourceRead = false;
      for (Throwable t = e; t != null; t = t.getCause()) {
        sourceRead |= t instanceof PartDigests.SourceReadException;
      }
      throw sourceRead ? new StepFailure(source, "reading it from", e) : new StepFailure(side, action, e);
    }
  }

  /** Whether the server answers at all (after an object failed on the network). */
  private static boolean answers(S3 side) {
    try {
      side.buckets();
      return true;
    } catch (Exception e) {
      return false;
    }
  }

  /** What went wrong, for the operator: the server's error code and message, or the network failure. */
  private String problem(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof ObjectStoreException || t instanceof UncheckedIOException) {
        return t.getMessage();
      }
      if (t instanceof S3.ServerError r) {
        return r.code + " (" + r.getMessage() + ")";
      }
      if (t instanceof Mismatch || t instanceof PartDigests.SourceReadException) {
        return t.getMessage();
      }
      if (t instanceof SocketTimeoutException) {
        boolean connect = String.valueOf(t.getMessage()).toLowerCase().contains("connect");
        String name = connect ? "connect-timeout" : "read-timeout";
        return (connect ? "no connection" : "no answer") + " within "
            + ObjectStoreSettings.seconds(connect ? settings.connectTimeout() : settings.readTimeout()) + " ("
            + name + ": " + settings.setting(name) + ")";
      }
      if (t instanceof UnknownHostException) {
        return "unknown host " + t.getMessage();
      }
      if (t instanceof ConnectException) {
        return "connection refused (" + t.getMessage() + ")";
      }
    }
    Throwable root = e;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    return (root instanceof IOException ? "the network failed: " : "") + root.getClass().getSimpleName() + ": "
        + root.getMessage();
  }

  /** Differences found by a verification; the first {@value #LISTED} are kept. */
  private static final class Report {
    final AtomicLong total = new AtomicLong();
    final List<String> listed = Collections.synchronizedList(new ArrayList<>());

    void add(String difference) {
      if (total.incrementAndGet() <= LISTED) {
        listed.add(difference);
      }
    }
  }

  // ---------------------------------------------------------------- counters

  /** Counters of one migration, shared by the copy threads. */
  private static final class Run {
    final String mode;
    final List<String> buckets;
    final long objectsTotal;
    final long bytesTotal;
    final MigrationProgress.Listener listener;
    final long start = System.nanoTime();
    final AtomicLong copied = new AtomicLong();
    final AtomicLong bytesCopied = new AtomicLong();
    final AtomicLong identical = new AtomicLong();
    final AtomicLong vanished = new AtomicLong();
    final AtomicLong deleted = new AtomicLong();
    final AtomicLong failed = new AtomicLong();
    final AtomicLong onlyOnTarget = new AtomicLong();
    final AtomicLong objectsDone = new AtomicLong();
    final AtomicLong bytesDone = new AtomicLong();
    final List<String> failures = Collections.synchronizedList(new ArrayList<>());
    final List<String> gone = new ArrayList<>();
    long workObjects;
    long workBytes;
    final AtomicLong workObjectsDone = new AtomicLong();
    final AtomicLong workBytesDone = new AtomicLong();

    Run(String mode, Survey survey, MigrationProgress.Listener listener) {
      this.mode = mode;
      this.buckets = List.copyOf(survey.copied().keySet());
      this.objectsTotal = survey.copied().values().stream().mapToLong(s -> s.source().objects().size()).sum();
      this.bytesTotal = survey.copied().values().stream().mapToLong(s -> s.source().bytes()).sum();
      this.listener = listener;
    }

    void toDo(List<Work> work) {
      workObjects = work.stream().mapToLong(Work::objects).sum();
      workBytes = work.stream().mapToLong(Work::bytes).sum();
    }

    void identical(long size) {
      identical.incrementAndGet();
      objectsDone.incrementAndGet();
      bytesDone.addAndGet(size);
    }

    void finished(Outcome outcome, long size) {
      switch (outcome) {
        case COPIED -> {
          copied.incrementAndGet();
          bytesCopied.addAndGet(size);
        }
        case IDENTICAL -> identical.incrementAndGet();
        case VANISHED -> vanished.incrementAndGet();
      }
      objectsDone.incrementAndGet();
      bytesDone.addAndGet(size);
      done(1, size);
    }

    void failed(long size, String failure) {
      failure(failure);
      objectsDone.incrementAndGet();
      bytesDone.addAndGet(size);
      done(1, size);
    }

    void failure(String failure) {
      if (failed.incrementAndGet() <= LISTED) {
        failures.add(failure);
      }
    }

    /** Work finished: reports progress with the estimated time left. */
    void done(long objects, long bytes) {
      double objectShare = workObjects == 0 ? 1 : (double) workObjectsDone.addAndGet(objects) / workObjects;
      double byteShare = workBytes == 0 ? 1 : (double) workBytesDone.addAndGet(bytes) / workBytes;
      double share = (objectShare + byteShare) / 2;
      double elapsed = (System.nanoTime() - start) / 1e9;
      long eta = share <= 0 ? -1 : Math.round(elapsed * (1 - share) / share);
      listener.update(new MigrationProgress(mode, objectsDone.get(), objectsTotal, bytesDone.get(), bytesTotal,
          (long) (bytesCopied.get() / Math.max(elapsed, 0.001)), failed.get(), eta));
    }

    /** What is on the target so far, for a message about a stopped run. */
    String written(ObjectStoreSettings settings) {
      return "So far " + copied.get() + " object(s) were copied and " + identical.get() + " found identical, of "
          + objectsTotal + " on the source; all of them are verified and recorded in " + settings.stateDirectory()
          + (failed.get() > 0 ? "; " + failed.get() + " failed: " + String.join("; ", failures) : "") + ".";
    }

    MigrationSummary summary() {
      return new MigrationSummary(mode, buckets, objectsTotal, bytesTotal, copied.get(), bytesCopied.get(),
          identical.get(), deleted.get(), vanished.get(), failed.get(), onlyOnTarget.get(), List.copyOf(gone),
          List.copyOf(failures), Duration.ofNanos(System.nanoTime() - start));
    }
  }
}
