package org.dpi.upgrade.helm;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.List;
import org.dpi.upgrade.kubernetes.BackupSpec;
import org.dpi.upgrade.kubernetes.SealedRecords;

/**
 * Lists of {@link ReleaseState} kept encrypted beside the config backup, one per name and run.
 * The first recording of a release wins: it is the state before the upgrade touched it.
 */
public class ReleaseRecords {

  static final String UNINSTALL = "helm-uninstall";
  static final String DEPLOY_PLAN = "helm-deploy-plan";
  static final String KEYCLOAK_INIT = "helm-keycloak-init";

  private static final ObjectMapper JSON = new ObjectMapper();

  private final SealedRecords sealed;

  public ReleaseRecords(SealedRecords sealed) {
    this.sealed = sealed;
  }

  static String ofUpgrade(String namespace, String release) {
    return "helm-upgrade-" + namespace + "-" + release;
  }

  static String ofRelease(String namespace, String release) {
    return "helm-release-" + namespace + "-" + release;
  }

  public List<ReleaseState> get(BackupSpec store, String run, String name) throws Exception {
    return sealed.get(store, run, name).map(this::parse).orElseGet(List::of);
  }

  /** Adds the states not yet recorded (by namespace/release); returns the whole record. */
  public List<ReleaseState> add(BackupSpec store, String run, String name, List<ReleaseState> states) throws Exception {
    List<ReleaseState> record = new ArrayList<>(get(store, run, name));
    List<ReleaseState> added = states.stream()
        .filter(s -> record.stream().noneMatch(r -> r.id().equals(s.id()))).toList();
    if (!added.isEmpty()) {
      record.addAll(added);
      sealed.put(store, run, name, JSON.writeValueAsBytes(record));
    }
    return record;
  }

  public String location(BackupSpec store, String run, String name) {
    return sealed.location(store, run, name);
  }

  private List<ReleaseState> parse(byte[] json) {
    try {
      return JSON.readValue(json, new TypeReference<List<ReleaseState>>() { });
    } catch (Exception e) {
      throw new IllegalStateException("a Helm release record is not readable: " + e.getMessage(), e);
    }
  }
}
