package org.dpi.upgrade.objectstore;

import java.nio.file.Path;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.convert.DataSizeUnit;
import org.springframework.boot.convert.DurationUnit;
import org.springframework.util.unit.DataSize;
import org.springframework.util.unit.DataUnit;

/**
 * {@code orchestrator.objectstore}: the old MinIO ({@code source}) and the new one ({@code target}),
 * each with its endpoint, keys and region taken from the environment (application.yaml); the absolute
 * state directory of the manifests, how many objects are copied at once, the upload part size (MB),
 * the timeouts (seconds) and the retries of a failed object. Unset values take the defaults of
 * {@link ObjectStoreSettings}.
 */
@ConfigurationProperties("orchestrator.objectstore")
public record ObjectStoreProperties(Side source, Side target, Path stateDirectory, Integer parallelism,
    @DataSizeUnit(DataUnit.MEGABYTES) DataSize partSize, @DurationUnit(ChronoUnit.SECONDS) Duration connectTimeout,
    @DurationUnit(ChronoUnit.SECONDS) Duration readTimeout, @DurationUnit(ChronoUnit.SECONDS) Duration writeTimeout,
    Integer retries, @DurationUnit(ChronoUnit.SECONDS) Duration retryBackoff) {

  static final String PREFIX = "orchestrator.objectstore.";

  public record Side(String endpoint, String accessKey, String secretKey, String region) {
  }

  public ObjectStoreSettings settings() {
    return new ObjectStoreSettings(endpoint("source", source), endpoint("target", target), stateDirectory,
        parallelism == null ? ObjectStoreSettings.DEFAULT_PARALLELISM : parallelism,
        partSize == null ? ObjectStoreSettings.DEFAULT_PART_SIZE : partSize.toBytes(),
        or(connectTimeout, ObjectStoreSettings.DEFAULT_CONNECT_TIMEOUT),
        or(readTimeout, ObjectStoreSettings.DEFAULT_READ_TIMEOUT),
        or(writeTimeout, ObjectStoreSettings.DEFAULT_WRITE_TIMEOUT),
        retries == null ? ObjectStoreSettings.DEFAULT_RETRIES : retries,
        or(retryBackoff, ObjectStoreSettings.DEFAULT_RETRY_BACKOFF), PREFIX);
  }

  private static Duration or(Duration value, Duration absent) {
    return value == null ? absent : value;
  }

  private static Endpoint endpoint(String role, Side side) {
    Side given = side == null ? new Side(null, null, null, null) : side;
    return new Endpoint(role, given.endpoint(), given.accessKey(), given.secretKey(), given.region(),
        PREFIX + role + ".");
  }
}
