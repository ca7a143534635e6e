package org.dpi.upgrade.config;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.List;
import org.eclipse.jgit.lib.Repository;

/** The plan's {@code config} section: the two config repositories, the branch to create, the knowledge base. */
@JsonIgnoreProperties(ignoreUnknown = true)
public record ConfigPlan(Remote oldRepository, Remote newRepository, String migratedBranch, String knowledgeBase) {

  /** A repository and the branch or tag of one version in it. */
  @JsonIgnoreProperties(ignoreUnknown = true)
  public record Remote(String url, String branch) { }

  static final ObjectMapper JSON = new ObjectMapper();

  /** Reads the {@code config} input variable: a Spin JSON node, a JSON string or a map; checked as {@link #validate()} does. */
  public static ConfigPlan parse(Object variable) {
    if (variable == null) {
      throw new IllegalArgumentException("The step has no 'config' input: the plan must have a config section");
    }
    ConfigPlan plan;
    try {
      plan = variable instanceof java.util.Map<?, ?> map ? JSON.convertValue(map, ConfigPlan.class)
          : JSON.readValue(variable.toString(), ConfigPlan.class);
    } catch (com.fasterxml.jackson.core.JsonProcessingException | IllegalArgumentException e) {
      throw new IllegalArgumentException("The plan's config section cannot be read: " + e.getMessage(), e);
    }
    plan.validate();
    return plan;
  }

  /** Every problem of the section at once, before anything is touched. */
  public void validate() {
    List<String> problems = new ArrayList<>();
    remote(problems, "oldRepository", oldRepository);
    remote(problems, "newRepository", newRepository);
    if (blank(migratedBranch)) {
      problems.add("config.migratedBranch is missing");
    } else if (!Repository.isValidRefName("refs/heads/" + migratedBranch)) {
      problems.add("config.migratedBranch '" + migratedBranch + "' is not a valid git branch name");
    } else {
      for (Remote r : new Remote[] {oldRepository, newRepository}) {
        if (r != null && migratedBranch.equals(r.branch()) && newRepository != null && newRepository.url().equals(r.url())) {
          problems.add("config.migratedBranch must differ from " + r.branch() + ": the original branches are never modified");
        }
      }
    }
    if (blank(knowledgeBase)) {
      problems.add("config.knowledgeBase is missing");
    }
    if (!problems.isEmpty()) {
      throw new IllegalArgumentException("The plan's config section is incomplete: " + String.join("; ", problems));
    }
  }

  private static void remote(List<String> problems, String name, Remote remote) {
    if (remote == null || blank(remote.url()) || blank(remote.branch())) {
      problems.add("config." + name + " needs a url and a branch");
    } else if (remote.url().matches("(?i)[a-z][a-z0-9+.-]*://[^/@]+@.*")) {
      problems.add("config." + name + ".url carries credentials: remove them, the git credentials are set in"
          + " orchestrator.config.git");
    }
  }

  private static boolean blank(String s) {
    return s == null || s.isBlank();
  }
}
