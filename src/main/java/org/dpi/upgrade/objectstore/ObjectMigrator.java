package org.dpi.upgrade.objectstore;

import io.minio.BucketExistsArgs;
import io.minio.GetObjectArgs;
import io.minio.GetObjectResponse;
import io.minio.GetObjectTagsArgs;
import io.minio.MakeBucketArgs;
import io.minio.MinioClient;
import io.minio.PutObjectArgs;
import io.minio.RemoveObjectArgs;
import io.minio.errors.ErrorResponseException;
import io.minio.messages.Bucket;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import okhttp3.Headers;

/**
 * Copies buckets from the source S3 server to the target: streaming, {@code parallelism} objects at
 * a time, keeping content type, user metadata, standard headers and tags; an object already on the
 * target as recorded in the manifest is skipped, every copied object is checked against the MD5 computed
 * while streaming and then recorded. The same call is the pre-copy and the delta: after one listing
 * of each side, only new and changed objects are copied, so a retry after a crash resumes. The
 * source is only read, never written.
 */
public final class ObjectMigrator {

  public static final String PRE_COPY = "pre-copy";
  public static final String DELTA = "delta";
  /** At most this many differences are listed in a report. */
  static final int LISTED = 100;

  private static final Set<String> AUTH_CODES = Set.of("InvalidAccessKeyId", "SignatureDoesNotMatch", "AccessDenied");
  private static final List<String> KEPT_HEADERS = List.of("Cache-Control", "Content-Disposition", "Content-Encoding",
      "Content-Language", "Expires");
  private static final String META = "x-amz-meta-";
  private static final String SOURCE_READ = "reading the source failed: ";

  private final ObjectStoreSettings settings;
  private final MinioClient source;
  private final MinioClient target;

  public ObjectMigrator(ObjectStoreSettings settings) {
    settings.validate();
    this.settings = settings;
    this.source = settings.source().client(settings.parallelism());
    this.target = settings.target().client(settings.parallelism());
  }

  public static boolean isMode(Object mode) {
    return PRE_COPY.equals(mode) || DELTA.equals(mode);
  }

  public MigrationSummary migrate(MigrationPlan plan, String mode, MigrationProgress.Listener listener) {
    if (!isMode(mode)) {
      throw new IllegalArgumentException("mode must be " + PRE_COPY + " or " + DELTA + ", not " + mode);
    }
    long start = System.nanoTime();
    Map<String, Sides> sides = list(plan);
    Run run = new Run(mode, sides.values().stream().mapToLong(l -> l.source().objects().size()).sum(),
        sides.values().stream().mapToLong(l -> l.source().bytes()).sum(), listener);
    for (var bucket : sides.entrySet()) {
      migrateBucket(bucket.getKey(), bucket.getValue(), plan.deleteRemoved() && DELTA.equals(mode), run);
    }
    if (!run.mismatches.isEmpty()) {
      throw new ObjectStoreException(run.mismatches.size() + " object(s) differ on the target after two copies, "
          + "each checked against the MD5 of the bytes read from the source: " + String.join("; ", run.mismatches)
          + ". Check the target server's disks and network, then retry: verified objects are not copied again.");
    }
    return new MigrationSummary(mode, List.copyOf(sides.keySet()), run.objectsTotal, run.bytesTotal, run.copied.get(),
        run.bytesCopied.get(), run.skipped.get(), run.deleted.get(), run.vanished.get(), run.mismatches.size(),
        Duration.ofNanos(System.nanoTime() - start));
  }

  /** Compares both sides and the manifests; with {@code plan.verifyContent()} reads every target object back. */
  public VerificationReport verify(MigrationPlan plan) {
    Map<String, Sides> sides = list(plan);
    List<String> differences = Collections.synchronizedList(new ArrayList<>());
    AtomicLong total = new AtomicLong();
    AtomicLong bytesRead = new AtomicLong();
    long objects = 0;
    for (var bucket : sides.entrySet()) {
      String name = bucket.getKey();
      Listing sourceListing = bucket.getValue().source();
      Listing targetListing = bucket.getValue().target();
      Map<String, Manifest.Entry> recorded = onManifest(name);
      Parallel parallel = new Parallel(settings.parallelism(), "objectstore-verify");
      try (parallel) {
        for (Listing.Obj s : sourceListing.objects().values()) {
          objects++;
          String expectedMd5 = expectedMd5(s, targetListing.objects().get(s.key()), recorded.get(s.key()),
              difference -> note(differences, total, name + "/" + s.key() + ": " + difference));
          if (expectedMd5 != null && plan.verifyContent()) {
            parallel.submit(() -> {
              String md5 = onTarget("read " + name + "/" + s.key(), () -> md5(target, name, s.key(), bytesRead));
              if (!md5.equals(expectedMd5)) {
                note(differences, total, name + "/" + s.key() + ": the target content has MD5 " + md5
                    + ", not the MD5 " + expectedMd5 + " of the bytes copied from the source");
              }
            });
          }
        }
        parallel.await();
      } catch (ObjectStoreException e) {
        throw e;
      } catch (Exception e) {
        throw new ObjectStoreException("Verifying bucket " + name + " failed: " + e.getMessage(), e);
      }
      for (String key : targetListing.objects().keySet()) {
        if (!sourceListing.objects().containsKey(key)) {
          note(differences, total, name + "/" + key + ": only on the target");
        }
      }
    }
    return new VerificationReport(List.copyOf(sides.keySet()), objects, bytesRead.get(), plan.verifyContent(),
        total.get(), List.copyOf(differences));
  }

  /** The MD5 the target content must have, or null after noting why the object differs. */
  private static String expectedMd5(Listing.Obj s, Listing.Obj t, Manifest.Entry m,
      Consumer<String> difference) {
    if (t == null) {
      difference.accept("missing on the target");
    } else if (t.size() != s.size()) {
      difference.accept("size " + t.size() + " on the target, " + s.size() + " on the source");
    } else if (recorded(s, t, m)) {
      return m.md5();
    } else if (m == null && sameMd5(s, t)) {
      return s.etag();
    } else if (m == null) {
      difference.accept("not recorded in the manifest (not copied by this migration) and its ETag differs");
    } else if (!m.sourceEtag().equals(s.etag())) {
      difference.accept("changed on the source since it was copied");
    } else {
      difference.accept("changed on the target since it was copied (ETag " + t.etag() + ", recorded " + m.targetEtag() + ")");
    }
    return null;
  }

  private static void note(List<String> differences, AtomicLong total, String difference) {
    if (total.incrementAndGet() <= LISTED) {
      differences.add(difference);
    }
  }

  private Map<String, Manifest.Entry> onManifest(String bucket) {
    Path file = Manifest.file(settings.manifestDirectory(), bucket);
    try {
      return Manifest.read(file);
    } catch (IOException e) {
      throw new ObjectStoreException("The manifest " + file + " cannot be read: " + e.getMessage()
          + ". Restore it from a backup, or remove it and run the delta again (every object is then copied again).", e);
    }
  }

  /** A bucket's listings: source, and target (empty while the bucket does not exist there). */
  private record Sides(Listing source, Listing target) {
  }

  /**
   * Checks both servers and keys and that the plan's buckets are on the source, then lists each
   * bucket on both sides, all listings at once. Writes nothing.
   */
  private Map<String, Sides> list(MigrationPlan plan) {
    List<String> onSource = onSource("list the buckets", () -> source.listBuckets().stream().map(Bucket::name).toList());
    onTarget("list the buckets", target::listBuckets);
    List<String> buckets = plan.allBuckets() ? onSource : plan.buckets();
    List<String> missing = buckets.stream().filter(b -> !onSource.contains(b)).toList();
    if (!missing.isEmpty()) {
      throw new ObjectStoreException("The plan names bucket(s) " + missing + " that the source " + settings.source().url()
          + " does not have (it has " + onSource + "). Correct objectstore.buckets in the plan. Nothing was written.");
    }
    ExecutorService listers = Executors.newFixedThreadPool(Math.max(1, Math.min(settings.parallelism(), 2 * buckets.size())));
    try {
      Map<String, Future<Listing>> sources = new LinkedHashMap<>();
      Map<String, Future<Listing>> targets = new LinkedHashMap<>();
      for (String bucket : buckets) {
        sources.put(bucket, listers.submit(() -> onSource("list bucket " + bucket, () -> Listing.of(source, bucket))));
        targets.put(bucket, listers.submit(() -> onTarget("list bucket " + bucket,
            () -> target.bucketExists(BucketExistsArgs.builder().bucket(bucket).build())
                ? Listing.of(target, bucket) : new Listing(Map.of()))));
      }
      Map<String, Sides> sides = new LinkedHashMap<>();
      for (String bucket : buckets) {
        sides.put(bucket, new Sides(sources.get(bucket).get(), targets.get(bucket).get()));
      }
      return sides;
    } catch (ExecutionException e) {
      throw (ObjectStoreException) e.getCause();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ObjectStoreException("Interrupted while listing the buckets", e);
    } finally {
      listers.shutdownNow();
    }
  }

  private void migrateBucket(String bucket, Sides sides, boolean deleteRemoved, Run run) {
    run.bucket = bucket;
    Listing sourceListing = sides.source();
    Listing targetListing = sides.target();
    onTarget("create bucket " + bucket, () -> {
      if (!target.bucketExists(BucketExistsArgs.builder().bucket(bucket).build())) {
        target.makeBucket(MakeBucketArgs.builder().bucket(bucket).build());
      }
      return null;
    });
    Manifest manifest = Manifest.open(settings.manifestDirectory(), bucket);
    Parallel parallel = new Parallel(settings.parallelism(), "objectstore-copy");
    String current = null;
    try (manifest; parallel) {
      for (Listing.Obj s : sourceListing.objects().values()) {
        current = s.key();
        if (identical(s, targetListing.objects().get(s.key()), manifest)) {
          run.skipped(s.size());
        } else if (!parallel.submit(() -> copy(bucket, s, manifest, run))) {
          break;
        }
      }
      if (deleteRemoved) {
        for (String key : List.copyOf(manifest.entries().keySet())) {
          current = key;
          if (!sourceListing.objects().containsKey(key) && !parallel.submit(() -> {
            target.removeObject(RemoveObjectArgs.builder().bucket(bucket).object(key).build());
            manifest.remove(key);
            run.deleted.incrementAndGet();
          })) {
            break;
          }
        }
      }
      parallel.await();
    } catch (Exception e) {
      throw new ObjectStoreException("Copying bucket " + bucket + " stopped: " + describe(e) + ". "
          + (run.copied.get() + run.skipped.get()) + " of " + run.objectsTotal + " objects are on the target, verified"
          + " and recorded in " + manifest.file() + ". Fix the cause and retry: the copy resumes where it stopped"
          + (current == null ? "" : " (last object started: " + current + ")") + ".", e);
    }
  }

  /** Identical as recorded when copied, or, unrecorded, with the same MD5 ETag on both sides (then recorded). */
  private static boolean identical(Listing.Obj s, Listing.Obj t, Manifest manifest) {
    if (t == null || t.size() != s.size()) {
      return false;
    }
    Manifest.Entry m = manifest.get(s.key());
    if (recorded(s, t, m)) {
      return true;
    }
    if (sameMd5(s, t)) {
      manifest.record(new Manifest.Entry(s.key(), s.size(), s.etag(), s.etag(), t.etag()));
      return true;
    }
    return false;
  }

  private static boolean recorded(Listing.Obj s, Listing.Obj t, Manifest.Entry m) {
    return m != null && m.size() == s.size() && m.sourceEtag().equals(s.etag()) && m.targetEtag().equals(t.etag());
  }

  private static boolean sameMd5(Listing.Obj s, Listing.Obj t) {
    return s.plainMd5() && s.etag().equals(t.etag());
  }

  /** Streams one object; records it once the target's ETag (or a read-back) matches the MD5 of what was read. */
  private void copy(String bucket, Listing.Obj s, Manifest manifest, Run run) throws Exception {
    for (int attempt = 1; attempt <= 2; attempt++) {
      GetObjectResponse in = onSource("read " + bucket + "/" + s.key(), () -> {
        try {
          return source.getObject(GetObjectArgs.builder().bucket(bucket).object(s.key()).build());
        } catch (ErrorResponseException e) {
          if ("NoSuchKey".equals(e.errorResponse().code())) {
            return null;
          }
          throw e;
        }
      });
      if (in == null) {
        run.vanished(s.size());
        return;
      }
      try (in) {
        Headers headers = in.headers();
        long size = Long.parseLong(headers.get("Content-Length"));
        Md5Stream bytes = new Md5Stream(in, size, settings.partSize());
        PutObjectArgs.Builder put = PutObjectArgs.builder().bucket(bucket).object(s.key())
            .stream(bytes, size, settings.partSize())
            .userMetadata(userMetadata(headers)).headers(keptHeaders(headers)).tags(tags(bucket, s.key(), headers));
        if (headers.get("Content-Type") != null) {
          put.contentType(headers.get("Content-Type"));
        }
        String targetEtag = write(bucket + "/" + s.key(), put.build());
        Md5Stream.Digests digests = bytes.digests();
        if (bytes.count() == size && (digests.matches(targetEtag)
            || digests.md5().equals(md5(target, bucket, s.key(), new AtomicLong())))) {
          manifest.record(new Manifest.Entry(s.key(), size, digests.md5(), Listing.etag(headers.get("ETag")), targetEtag));
          run.copied(size);
          return;
        }
        if (attempt == 2) {
          run.mismatches.add(bucket + "/" + s.key() + " (read " + bytes.count() + " of " + size + " bytes, MD5 "
              + digests.md5() + ", target ETag " + targetEtag + ")");
        }
      }
    }
  }

  /** Uploads; a failure reading the source mid-stream is reported as the source's. */
  private String write(String object, PutObjectArgs put) {
    try {
      return Listing.etag(target.putObject(put).etag());
    } catch (Exception e) {
      Endpoint side = describe(e).startsWith(SOURCE_READ) ? settings.source() : settings.target();
      return on(side, "copy " + object, () -> {
        throw e;
      });
    }
  }

  private Map<String, String> tags(String bucket, String key, Headers headers) throws Exception {
    String count = headers.get("x-amz-tagging-count");
    return count == null || count.equals("0") ? Map.of()
        : source.getObjectTags(GetObjectTagsArgs.builder().bucket(bucket).object(key).build()).get();
  }

  private static Map<String, String> userMetadata(Headers headers) {
    Map<String, String> metadata = new HashMap<>();
    for (String name : headers.names()) {
      if (name.toLowerCase().startsWith(META)) {
        metadata.put(name.substring(META.length()), headers.get(name));
      }
    }
    return metadata;
  }

  private static Map<String, String> keptHeaders(Headers headers) {
    Map<String, String> kept = new HashMap<>();
    for (String name : KEPT_HEADERS) {
      if (headers.get(name) != null) {
        kept.put(name, headers.get(name));
      }
    }
    return kept;
  }

  private static String md5(MinioClient client, String bucket, String key, AtomicLong bytesRead) throws Exception {
    var digest = Md5Stream.md5();
    byte[] buffer = new byte[64 * 1024];
    try (InputStream in = client.getObject(GetObjectArgs.builder().bucket(bucket).object(key).build())) {
      for (int n; (n = in.read(buffer)) > 0; ) {
        digest.update(buffer, 0, n);
        bytesRead.addAndGet(n);
      }
    }
    return HexFormat.of().formatHex(digest.digest());
  }

  @FunctionalInterface
  private interface Call<T> {
    T call() throws Exception;
  }

  private <T> T onSource(String action, Call<T> call) {
    return on(settings.source(), action, call);
  }

  private <T> T onTarget(String action, Call<T> call) {
    return on(settings.target(), action, call);
  }

  private static <T> T on(Endpoint endpoint, String action, Call<T> call) {
    try {
      return call.call();
    } catch (Exception e) {
      throw new ObjectStoreException("Could not " + action + " on the " + endpoint.role() + " object store "
          + endpoint.url() + ": " + describe(e) + hint(endpoint, e), e);
    }
  }

  private static String hint(Endpoint endpoint, Exception e) {
    if (e instanceof ErrorResponseException r && AUTH_CODES.contains(r.errorResponse().code())) {
      return ". Check the access and secret keys (" + endpoint.settings() + "). Nothing was written.";
    }
    return rootCause(e) instanceof IOException
        ? ". Check the endpoint (" + endpoint.settings() + ") and that the server runs." : ".";
  }

  /** What went wrong, for the operator: the S3 error code or the network failure, and on which side. */
  static String describe(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof ObjectStoreException) {
        return t.getMessage();
      }
      if (t instanceof Md5Stream.SourceReadException) {
        return SOURCE_READ + rootCause(t).getMessage();
      }
      if (t instanceof ErrorResponseException r) {
        return r.errorResponse().code() + " (" + r.errorResponse().message() + ") for " + r.errorResponse().objectName();
      }
    }
    Throwable root = rootCause(e);
    return (root instanceof IOException ? "the network failed: " : "") + root.getClass().getSimpleName() + ": "
        + root.getMessage();
  }

  private static Throwable rootCause(Throwable e) {
    Throwable t = e;
    while (t.getCause() != null && t.getCause() != t) {
      t = t.getCause();
    }
    return t;
  }

  /** Counters of one migration, shared by the copy threads. */
  private static final class Run {
    final String mode;
    final long objectsTotal;
    final long bytesTotal;
    final MigrationProgress.Listener listener;
    final long start = System.nanoTime();
    final AtomicLong copied = new AtomicLong();
    final AtomicLong bytesCopied = new AtomicLong();
    final AtomicLong skipped = new AtomicLong();
    final AtomicLong vanished = new AtomicLong();
    final AtomicLong deleted = new AtomicLong();
    final AtomicLong bytesDone = new AtomicLong();
    final List<String> mismatches = Collections.synchronizedList(new ArrayList<>());
    volatile String bucket;

    Run(String mode, long objectsTotal, long bytesTotal, MigrationProgress.Listener listener) {
      this.mode = mode;
      this.objectsTotal = objectsTotal;
      this.bytesTotal = bytesTotal;
      this.listener = listener;
    }

    void skipped(long size) {
      skipped.incrementAndGet();
      done(size);
    }

    void vanished(long size) {
      vanished.incrementAndGet();
      done(size);
    }

    void copied(long size) {
      copied.incrementAndGet();
      bytesCopied.addAndGet(size);
      done(size);
    }

    private void done(long size) {
      bytesDone.addAndGet(size);
      long seconds = Math.max(1, (System.nanoTime() - start) / 1_000_000_000L);
      listener.update(new MigrationProgress(mode, bucket, copied.get() + skipped.get() + vanished.get(), objectsTotal,
          bytesDone.get(), bytesTotal, bytesCopied.get() / seconds));
    }
  }
}
