package org.dpi.upgrade.objectstore;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import okhttp3.HttpUrl;

/**
 * One S3 server: its URL, keys and region (AWS v4 signatures name it; MinIO's default is
 * us-east-1). {@code propertyPrefix} (e.g. {@code orchestrator.objectstore.source.}, null on the
 * command line) and the role give the names of the settings, which messages name.
 * {@link #toString()} never shows a key.
 */
public record Endpoint(String role, String url, String accessKey, String secretKey, String region,
    String propertyPrefix) {

  public static final String DEFAULT_REGION = "us-east-1";

  public Endpoint {
    region = region == null || region.isBlank() ? DEFAULT_REGION : region;
  }

  /** Where the operator sets {@code name} (endpoint, access-key, secret-key, region). */
  String setting(String name) {
    String environment = "OBJECTSTORE_" + role.toUpperCase(Locale.ROOT) + "_" + name.toUpperCase(Locale.ROOT)
        .replace('-', '_');
    return propertyPrefix == null ? environment : propertyPrefix + name + ", environment " + environment;
  }

  /** Each missing or wrong setting, for one error listing every problem. The values are never shown. */
  List<String> problems() {
    List<String> problems = new ArrayList<>();
    if (blank(url)) {
      problems.add("the " + role + " endpoint is not set (" + setting("endpoint") + ")");
    } else {
      HttpUrl parsed = HttpUrl.parse(url);
      if (parsed == null || !parsed.username().isEmpty() || !parsed.password().isEmpty()
          || !parsed.encodedPath().equals("/") || parsed.query() != null) {
        problems.add("the " + role + " endpoint is not a URL like http://minio.minio:9000 (scheme http or https,"
            + " host, optional port, nothing else) (" + setting("endpoint") + ")");
      }
    }
    if (blank(accessKey)) {
      problems.add("the " + role + " access key is not set (" + setting("access-key") + ")");
    }
    if (blank(secretKey)) {
      problems.add("the " + role + " secret key is not set (" + setting("secret-key") + ")");
    }
    return problems;
  }

  private static boolean blank(String value) {
    return value == null || value.isBlank();
  }

  @Override
  public String toString() {
    return role + " object store " + url;
  }
}
