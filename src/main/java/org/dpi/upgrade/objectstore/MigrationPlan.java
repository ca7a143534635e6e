package org.dpi.upgrade.objectstore;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The plan's {@code objectstore} section: {@code buckets} ({@code all} or a list of names),
 * {@code deleteRemoved} (the delta removes from the target what was deleted on the source) and
 * {@code verifyContent} (verification reads every target object back; default true).
 *
 * @param buckets the bucket names, or null for all buckets of the source
 */
public record MigrationPlan(List<String> buckets, boolean deleteRemoved, boolean verifyContent) {

  private static final Pattern BUCKET = Pattern.compile("[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]");

  public boolean allBuckets() {
    return buckets == null;
  }

  /** A section given by values (the command line): {@code buckets} null for all, else S3 bucket names. */
  public static MigrationPlan of(List<String> buckets, boolean deleteRemoved, boolean verifyContent) {
    List<String> wrong = buckets == null ? List.of()
        : buckets.stream().filter(name -> !BUCKET.matcher(name).matches()).toList();
    if (!wrong.isEmpty() || buckets != null && buckets.isEmpty()) {
      throw new IllegalArgumentException("not S3 bucket names: " + (buckets.isEmpty() ? "none given" : wrong));
    }
    return new MigrationPlan(buckets == null ? null : List.copyOf(buckets), deleteRemoved, verifyContent);
  }

  /** Parses the section as JSON; one error lists every problem. */
  public static MigrationPlan parse(String json) {
    JsonNode node;
    try {
      node = new ObjectMapper().readTree(json == null ? "" : json);
    } catch (Exception e) {
      throw new IllegalArgumentException("The plan's objectstore section is not valid JSON: " + e.getMessage());
    }
    if (node == null || !node.isObject()) {
      throw new IllegalArgumentException("The plan has no objectstore section (expected {buckets: all | [names], deleteRemoved: bool})");
    }
    List<String> problems = new ArrayList<>();
    List<String> buckets = null;
    JsonNode b = node.get("buckets");
    if (b == null || b.isNull()) {
      problems.add("objectstore.buckets is missing (all, or a list of bucket names)");
    } else if (b.isTextual() && b.asText().equals("all")) {
      buckets = null;
    } else if (b.isArray() && !b.isEmpty()) {
      buckets = new ArrayList<>();
      for (JsonNode name : b) {
        if (!name.isTextual() || !BUCKET.matcher(name.asText()).matches()) {
          problems.add("objectstore.buckets has " + name + ", which is not an S3 bucket name");
        } else {
          buckets.add(name.asText());
        }
      }
    } else {
      problems.add("objectstore.buckets must be all or a non-empty list of names, not " + b);
    }
    boolean deleteRemoved = flag(node, "deleteRemoved", false, problems);
    boolean verifyContent = flag(node, "verifyContent", true, problems);
    if (!problems.isEmpty()) {
      throw new IllegalArgumentException("The plan's objectstore section is wrong: " + String.join("; ", problems));
    }
    return new MigrationPlan(buckets == null ? null : List.copyOf(buckets), deleteRemoved, verifyContent);
  }

  private static boolean flag(JsonNode node, String name, boolean absent, List<String> problems) {
    JsonNode value = node.get(name);
    if (value == null || value.isNull()) {
      return absent;
    }
    if (!value.isBoolean()) {
      problems.add("objectstore." + name + " must be true or false, not " + value);
      return absent;
    }
    return value.asBoolean();
  }
}
