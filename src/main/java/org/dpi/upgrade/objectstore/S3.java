package org.dpi.upgrade.objectstore;

import com.google.common.collect.ImmutableMultimap;
import com.google.common.collect.Multimap;
import io.minio.ListObjectsArgs;
import io.minio.MakeBucketArgs;
import io.minio.MinioAsyncClient;
import io.minio.RemoveBucketArgs;
import io.minio.RemoveObjectsArgs;
import io.minio.Result;
import io.minio.S3Escaper;
import io.minio.Signer;
import io.minio.Time;
import io.minio.errors.ErrorResponseException;
import io.minio.messages.Bucket;
import io.minio.messages.DeleteError;
import io.minio.messages.DeleteObject;
import io.minio.messages.ErrorResponse;
import io.minio.messages.Item;
import io.minio.messages.Part;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import okhttp3.ConnectionPool;
import okhttp3.Dispatcher;
import okhttp3.Headers;
import okhttp3.HttpUrl;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;

/**
 * One S3 server as the migration uses it, through one OkHttp client. Reads, HEADs and uploads are
 * requests built here and signed with minio-java's AWS v4 signer; uploads stream with an unsigned
 * payload (minio-java would buffer each part and hash it with SHA-256, and the server would hash it
 * again), because every upload is checked against the MD5 of its bytes afterwards anyway. Bucket,
 * listing and multipart bookkeeping calls go through minio-java's client, with the region set so it
 * never looks it up. Server errors are minio-java's {@link ErrorResponseException}.
 */
final class S3 {

  private static final String UNSIGNED = "UNSIGNED-PAYLOAD";

  private final Endpoint endpoint;
  private final HttpUrl base;
  private final String host;
  private final OkHttpClient http;
  private final MinioAsyncClient minio;

  S3(Endpoint endpoint, ObjectStoreSettings settings) {
    this.endpoint = endpoint;
    this.base = HttpUrl.get(endpoint.url());
    this.host = base.port() == HttpUrl.defaultPort(base.scheme()) ? base.host() : base.host() + ":" + base.port();
    int connections = settings.parallelism() * 2 + 4;
    Dispatcher dispatcher = new Dispatcher();
    dispatcher.setMaxRequests(connections);
    dispatcher.setMaxRequestsPerHost(connections);
    this.http = new OkHttpClient.Builder()
        .connectTimeout(settings.connectTimeout())
        .readTimeout(settings.readTimeout())
        .writeTimeout(settings.writeTimeout())
        .dispatcher(dispatcher)
        .connectionPool(new ConnectionPool(connections, 1, TimeUnit.MINUTES))
        .build();
    this.minio = MinioAsyncClient.builder().endpoint(endpoint.url()).region(endpoint.region())
        .credentials(endpoint.accessKey(), endpoint.secretKey()).httpClient(http).build();
  }

  Endpoint endpoint() {
    return endpoint;
  }

  List<String> buckets() throws Exception {
    return join(minio.listBuckets()).stream().map(Bucket::name).toList();
  }

  void makeBucket(String bucket) throws Exception {
    join(minio.makeBucket(MakeBucketArgs.builder().bucket(bucket).build()));
  }

  void removeBucket(String bucket) throws Exception {
    join(minio.removeBucket(RemoveBucketArgs.builder().bucket(bucket).build()));
  }

  /** One recursive listing, 1,000 keys a request. */
  Listing list(String bucket) throws Exception {
    Map<String, Listing.Obj> objects = new LinkedHashMap<>();
    for (Result<Item> result : minio.listObjects(ListObjectsArgs.builder().bucket(bucket).recursive(true).build())) {
      Item item = result.get();
      if (!item.isDir()) {
        objects.put(item.objectName(), new Listing.Obj(item.objectName(), item.size(), Listing.etag(item.etag()),
            item.lastModified().toEpochSecond()));
      }
    }
    return new Listing(objects);
  }

  /** The object's content and headers (the caller closes it), or null when there is no such key. */
  Response get(String bucket, String key) throws Exception {
    return call("GET", bucket, key, Map.of(), Headers.of(), null, true);
  }

  /** The object's headers, or null when there is no such key. */
  Headers head(String bucket, String key) throws Exception {
    try (Response response = call("HEAD", bucket, key, Map.of(), Headers.of(), null, true)) {
      return response == null ? null : response.headers();
    }
  }

  /** Uploads in one request; returns the ETag the server computed. */
  String put(String bucket, String key, Headers headers, RequestBody body) throws Exception {
    try (Response response = call("PUT", bucket, key, Map.of(), headers, body, false)) {
      return Listing.etag(response.header("ETag"));
    }
  }

  String createUpload(String bucket, String key, Headers headers) throws Exception {
    return join(minio.createMultipartUploadAsync(bucket, endpoint.region(), key, multimap(headers), null))
        .result().uploadId();
  }

  String uploadPart(String bucket, String key, String uploadId, int part, RequestBody body) throws Exception {
    try (Response response = call("PUT", bucket, key,
        Map.of("partNumber", Integer.toString(part), "uploadId", uploadId), Headers.of(), body, false)) {
      return Listing.etag(response.header("ETag"));
    }
  }

  String complete(String bucket, String key, String uploadId, List<Part> parts) throws Exception {
    return Listing.etag(join(minio.completeMultipartUploadAsync(bucket, endpoint.region(), key, uploadId,
        parts.toArray(Part[]::new), null, null)).etag());
  }

  /** Aborts an upload; done also when the server no longer has it. */
  void abort(String bucket, String key, String uploadId) throws Exception {
    try {
      join(minio.abortMultipartUploadAsync(bucket, endpoint.region(), key, uploadId, null, null));
    } catch (ErrorResponseException e) {
      if (!"NoSuchUpload".equals(e.errorResponse().code())) {
        throw e;
      }
    }
  }

  /** Deletes up to 1,000 keys a request. */
  void delete(String bucket, Collection<String> keys) throws Exception {
    List<DeleteObject> objects = keys.stream().map(DeleteObject::new).toList();
    Iterator<Result<DeleteError>> errors = minio.removeObjects(RemoveObjectsArgs.builder().bucket(bucket)
        .objects(objects).build()).iterator();
    if (errors.hasNext()) {
      DeleteError error = errors.next().get();
      throw new ErrorResponseException(new ErrorResponse(error.code(), error.message(), bucket, error.objectName(),
          null, null, null), null, null);
    }
  }

  Map<String, String> tags(String bucket, String key) throws Exception {
    return join(minio.getObjectTags(io.minio.GetObjectTagsArgs.builder().bucket(bucket).object(key).build())).get();
  }

  /**
   * A signed request; a 404 answer is null when {@code absentIsNull}, any other error status an
   * {@link ErrorResponseException}. The caller closes the response.
   */
  private Response call(String method, String bucket, String key, Map<String, String> query, Headers headers,
      RequestBody body, boolean absentIsNull) throws Exception {
    HttpUrl.Builder url = base.newBuilder().addEncodedPathSegment(S3Escaper.encode(bucket))
        .addEncodedPathSegments(S3Escaper.encodePath(key));
    query.forEach((name, value) -> url.addEncodedQueryParameter(S3Escaper.encode(name), S3Escaper.encode(value)));
    Request request = new Request.Builder().url(url.build()).headers(headers)
        .header("Host", host)
        // no transparent gzip: it would hide Content-Encoding and change the bytes
        .header("Accept-Encoding", "identity")
        .header("x-amz-date", ZonedDateTime.now().format(Time.AMZ_DATE_FORMAT))
        .header("x-amz-content-sha256", UNSIGNED)
        .method(method, body)
        .build();
    Response response = http.newCall(Signer.signV4S3(request, endpoint.region(), endpoint.accessKey(),
        endpoint.secretKey(), UNSIGNED)).execute();
    if (response.isSuccessful()) {
      return response;
    }
    try (response) {
      if (response.code() == 404 && absentIsNull) {
        return null;
      }
      throw error(response, bucket, key);
    }
  }

  private static ErrorResponseException error(Response response, String bucket, String key) throws Exception {
    String body = response.body().string();
    ErrorResponse error;
    if (body.contains("<Error>")) {
      error = io.minio.Xml.unmarshal(ErrorResponse.class, body);
    } else {
      String text = body.replaceAll("<[^>]*>", " ").replaceAll("\\s+", " ").trim();
      error = new ErrorResponse("HTTP " + response.code(), text.length() > 200 ? text.substring(0, 200) : text, bucket,
          key, null, null, null);
    }
    return new ErrorResponseException(error, response, null);
  }

  private static Multimap<String, String> multimap(Headers headers) {
    ImmutableMultimap.Builder<String, String> map = ImmutableMultimap.builder();
    headers.forEach(header -> map.put(header.getFirst(), header.getSecond()));
    return map.build();
  }

  /** The result of minio-java's future, with its own exception rather than the wrapper. */
  private static <T> T join(CompletableFuture<T> future) throws Exception {
    try {
      return future.get();
    } catch (ExecutionException e) {
      throw e.getCause() instanceof Exception cause ? cause : e;
    }
  }
}
