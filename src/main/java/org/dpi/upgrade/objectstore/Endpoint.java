package org.dpi.upgrade.objectstore;

import io.minio.MinioClient;
import io.minio.http.HttpUtils;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import okhttp3.ConnectionPool;
import okhttp3.Dispatcher;

/**
 * One S3 server: its URL and keys, and {@code settings}, the place the operator sets them (Spring
 * property prefix or environment variables), named in error messages. {@link #toString()} never shows
 * the secret key.
 */
public record Endpoint(String role, String url, String accessKey, String secretKey, String settings) {

  /** Each missing setting, for one error listing every problem. */
  List<String> problems() {
    List<String> problems = new ArrayList<>();
    if (blank(url)) {
      problems.add("the " + role + " endpoint is not set (" + settings + " endpoint)");
    }
    if (blank(accessKey)) {
      problems.add("the " + role + " access key is not set (" + settings + " access key)");
    }
    if (blank(secretKey)) {
      problems.add("the " + role + " secret key is not set (" + settings + " secret key)");
    }
    return problems;
  }

  /** A client whose connection pool lets {@code parallelism} requests run at once (OkHttp allows 5 per host). */
  MinioClient client(int parallelism) {
    Dispatcher dispatcher = new Dispatcher();
    dispatcher.setMaxRequests(parallelism * 2);
    dispatcher.setMaxRequestsPerHost(parallelism * 2);
    var http = HttpUtils.newDefaultHttpClient(TimeUnit.MINUTES.toMillis(5), TimeUnit.MINUTES.toMillis(5),
            TimeUnit.MINUTES.toMillis(5)).newBuilder()
        .dispatcher(dispatcher)
        .connectionPool(new ConnectionPool(parallelism * 2, 5, TimeUnit.MINUTES))
        .build();
    return MinioClient.builder().endpoint(url).credentials(accessKey, secretKey).httpClient(http).build();
  }

  private static boolean blank(String value) {
    return value == null || value.isBlank();
  }

  @Override
  public String toString() {
    return role + " " + url;
  }
}
