package org.dpi.upgrade.objectstore;

import java.nio.file.Path;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.util.unit.DataSize;

/**
 * {@code orchestrator.objectstore}: the old MinIO ({@code source}) and the new one ({@code target}),
 * each with its endpoint and keys taken from the environment (application.yaml); where manifests
 * are kept, how many objects are copied at once and the upload part size.
 */
@ConfigurationProperties("orchestrator.objectstore")
public record ObjectStoreProperties(Side source, Side target, Path manifestDirectory, Integer parallelism,
    DataSize partSize) {

  public record Side(String endpoint, String accessKey, String secretKey) {
  }

  public ObjectStoreSettings settings() {
    return new ObjectStoreSettings(endpoint("source", source), endpoint("target", target), manifestDirectory,
        parallelism == null ? 0 : parallelism, partSize == null ? 0 : partSize.toBytes());
  }

  private static Endpoint endpoint(String role, Side side) {
    String where = "orchestrator.objectstore." + role + ".*, environment OBJECTSTORE_" + role.toUpperCase() + "_*";
    return side == null ? new Endpoint(role, null, null, null, where)
        : new Endpoint(role, side.endpoint(), side.accessKey(), side.secretKey(), where);
  }
}
