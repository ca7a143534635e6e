package org.dpi.upgrade.database;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/** The plan's {@code postgres} section: what the PostgreSQL steps act on (never connections or passwords). */
@JsonIgnoreProperties(ignoreUnknown = true)
public record PostgresPlan(String upgradeCsv, String scriptsRoot, List<String> databases, MajorUpgrade majorUpgrade,
                           Backup backup, String onRollbackMismatch) {

  @JsonIgnoreProperties(ignoreUnknown = true)
  public record MajorUpgrade(int fromVersion, int toVersion) {}

  @JsonIgnoreProperties(ignoreUnknown = true)
  public record Backup(String directory, String bucket, String prefix) {}

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Pattern DATABASE = Pattern.compile("[a-z_][a-z0-9_]*");

  /** Reads the section as the worker receives it (JSON text, a map, or a Spin JSON value) and validates it. */
  public static PostgresPlan of(Object section) {
    if (section == null) {
      throw new IllegalArgumentException("the input 'postgres' (the plan's postgres section) is missing");
    }
    PostgresPlan plan;
    try {
      plan = section instanceof Map<?, ?> map ? JSON.convertValue(map, PostgresPlan.class)
          : JSON.readValue(section.toString(), PostgresPlan.class);
    } catch (Exception e) {
      throw new IllegalArgumentException("the plan's postgres section is not valid: " + e.getMessage(), e);
    }
    plan.validate();
    return plan;
  }

  private void validate() {
    List<String> problems = new ArrayList<>();
    if (databases == null || databases.isEmpty()) {
      problems.add("postgres.databases is empty");
    } else {
      databases.stream().filter(db -> !DATABASE.matcher(db).matches())
          .forEach(db -> problems.add("postgres.databases: '" + db + "' is not a lower-case identifier"));
    }
    if (backup == null || backup.directory() == null || backup.directory().isBlank()) {
      problems.add("postgres.backup.directory is missing");
    }
    if (!"restore".equals(onRollbackMismatch) && !"ask-dba".equals(onRollbackMismatch)) {
      problems.add("postgres.onRollbackMismatch must be restore or ask-dba, not " + onRollbackMismatch);
    }
    if (!problems.isEmpty()) {
      throw new IllegalArgumentException("The plan's postgres section has " + problems.size() + " problem(s); nothing was done:\n- "
          + String.join("\n- ", problems));
    }
  }

  /** upgrade.csv: required only by the steps that run or rehearse the schema chain (a backup-only plan has none). */
  Path csvPath() {
    return Path.of(required("upgradeCsv", upgradeCsv));
  }

  Path scriptsPath() {
    return Path.of(required("scriptsRoot", scriptsRoot));
  }

  private static String required(String field, String value) {
    if (value == null || value.isBlank()) {
      throw new IllegalArgumentException("postgres." + field + " is missing in the plan: this step runs the upgrade.csv chain; nothing was done");
    }
    return value;
  }

  Path backupDirectory() {
    return Path.of(backup.directory());
  }
}
