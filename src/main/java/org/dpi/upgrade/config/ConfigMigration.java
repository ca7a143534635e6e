package org.dpi.upgrade.config;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import org.dpi.upgrade.config.Findings.Finding;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.api.errors.GitAPIException;
import org.eclipse.jgit.lib.Ref;
import org.eclipse.jgit.revwalk.RevCommit;
import org.eclipse.jgit.transport.CredentialsProvider;

/**
 * The config steps as plain operations: {@link #migrate} (prop_migrator plus findings, first commit on
 * a new branch, push), {@link #applyDecisions} (the reviewer's decisions as a second commit) and
 * {@link #deleteBranch} (the undo). Everything of one run lives under {@code workRoot/<run>}: the
 * outputs ({@code out/}), the manual rows the review reads, and {@code state.json}.
 */
public class ConfigMigration {

  /** What a run recorded for the later steps. */
  record State(String url, String branch, String oldCommit, String newCommit, String branchCommit, String rowsSha256,
      int rows, Map<String, String> latestFileOfOld) { }

  static final String STATE = "state.json";
  static final String MANUAL = "out/manual-configuration.csv";
  private static final ObjectMapper JSON = new ObjectMapper();

  private final Path workRoot;
  private final ConfigGit git;

  public ConfigMigration(Path workRoot, CredentialsProvider credentials) {
    this.workRoot = workRoot.toAbsolutePath().normalize();
    this.git = new ConfigGit(credentials);
  }

  Path runDir(String run) {
    if (!run.matches("[A-Za-z0-9._-]+")) {
      throw new IllegalArgumentException("unusable run id " + run);
    }
    return workRoot.resolve(run);
  }

  /** Runs prop_migrator and the findings on clean checkouts, commits the result on a new branch and pushes it. */
  public Map<String, Object> migrate(ConfigPlan plan, String run) throws IOException, GitAPIException {
    List<String> problems = new ArrayList<>();
    KnowledgeBase kb = null;
    try {
      kb = KnowledgeBase.load(Path.of(plan.knowledgeBase()));
      kb.mapping().stream().flatMap(p -> List.of(p.oldFile(), p.latestFile()).stream())
          .filter(f -> f.isBlank() || Path.of(f).isAbsolute() || Path.of(f).normalize().startsWith(".."))
          .forEach(f -> problems.add("the file mapping names '" + f + "', which is not a path inside the repository"));
    } catch (IllegalArgumentException e) {
      problems.add(e.getMessage());
    }
    Optional<Ref> oldRef = resolve(plan.oldRepository(), problems);
    Optional<Ref> newRef = resolve(plan.newRepository(), problems);
    if (!problems.isEmpty()) {
      throw new IllegalArgumentException("The config migration cannot start: " + String.join("; ", problems));
    }
    Path dir = runDir(run);
    Path repoDir = dir.resolve("migrate/repo");
    Path oldDir = dir.resolve("migrate/old");
    Path out = dir.resolve("out");
    org.springframework.util.FileSystemUtils.deleteRecursively(dir.resolve("migrate"));
    org.springframework.util.FileSystemUtils.deleteRecursively(out);
    try (Git repo = ConfigGit.init(repoDir)) {
      RevCommit latest = git.fetch(repo, plan.newRepository().url(), newRef.get(), "refs/upgrade/new");
      RevCommit old = git.fetch(repo, plan.oldRepository().url(), oldRef.get(), "refs/upgrade/old");
      ConfigGit.export(repo.getRepository(), old, oldDir);
      repo.checkout().setCreateBranch(true).setName(plan.migratedBranch()).setStartPoint(latest).call();

      List<Finding> findings = new ArrayList<>(Findings.beforeMigration(oldDir, repoDir, kb));
      PropMigrator.Result result = PropMigrator.run(oldDir, repoDir, kb);
      findings.addAll(Findings.afterMigration(oldDir, repoDir, kb, result));
      result.write(out);
      Findings.write(out.resolve("findings.csv"), findings);
      List<String> reviewed = new ArrayList<>();
      Files.writeString(out.resolve("non-properties.diff"), ConfigGit.reviewedDiff(repo.getRepository(), old, latest, reviewed));

      RevCommit commit = ConfigGit.commit(repo, migrationMessage(plan, result, findings));
      RevCommit pushed = pushNew(repo, plan, latest, commit);
      Map<String, String> latestFileOfOld = new HashMap<>();
      kb.mapping().forEach(p -> latestFileOfOld.put(p.oldFile(), p.latestFile()));
      State state = new State(plan.newRepository().url(), plan.migratedBranch(), old.name(), latest.name(), pushed.name(),
          sha256(dir.resolve(MANUAL)), result.manual().size(), latestFileOfOld);
      JSON.writeValue(dir.resolve(STATE).toFile(), state);

      Adjudication adjudication = new Adjudication(result.manual());
      Map<String, Object> variables = new LinkedHashMap<>();
      variables.put("configMigrationSummary", summary(plan, state, result, findings, dir));
      variables.put("nonPropertiesDiffSummary", reviewed.isEmpty() ? "No *.json, *.mvel, *.jsonld, *.xsd, *.toml or *.xml"
          + " file differs." : reviewed.size() + " file(s) differ; unified diff in " + out.resolve("non-properties.diff")
          + ":\n" + String.join("\n", reviewed));
      variables.put("configMigration", JSON.writeValueAsString(Map.of("work", dir.toString(), "branch", plan.migratedBranch(),
          "branchCommit", pushed.name(), "rows", result.manual().size(), "rowsSha256", state.rowsSha256())));
      variables.put("adjudicationGroups", adjudication.overview());
      variables.put("adjudicationDecisions", adjudication.template());
      variables.put("adjudicationRowsLink", AdjudicationRows.PATH + "/" + run + "/rows");
      return variables;
    }
  }

  private Optional<Ref> resolve(ConfigPlan.Remote remote, List<String> problems) {
    try {
      Optional<Ref> ref = git.find(remote.url(), remote.branch());
      if (ref.isEmpty()) {
        problems.add(remote.url() + " has no branch or tag '" + remote.branch() + "'");
      }
      return ref;
    } catch (GitAPIException | RuntimeException e) {
      problems.add(remote.url() + " cannot be read (" + e.getMessage() + ")");
      return Optional.empty();
    }
  }

  /**
   * Pushes the new branch. A branch already there is accepted only when it is this very migration
   * pushed by an earlier attempt (same parent, same tree); anything else is never overwritten.
   */
  private RevCommit pushNew(Git repo, ConfigPlan plan, RevCommit latest, RevCommit commit) throws GitAPIException, IOException {
    Optional<Ref> existing = git.find(plan.newRepository().url(), plan.migratedBranch())
        .filter(r -> r.getName().startsWith("refs/heads/"));
    if (existing.isPresent()) {
      RevCommit remote = git.fetch(repo, plan.newRepository().url(), existing.get(), "refs/upgrade/existing");
      if (remote.getParentCount() == 1 && remote.getParent(0).equals(latest) && remote.getTree().equals(commit.getTree())) {
        return remote;
      }
      throw new IllegalStateException("The branch " + plan.migratedBranch() + " already exists on " + plan.newRepository().url()
          + " at " + remote.name() + " and is not this migration: delete it or set another config.migratedBranch in the plan");
    }
    git.push(repo, plan.newRepository().url(), "refs/heads/" + plan.migratedBranch(), plan.migratedBranch());
    return commit;
  }

  private static String migrationMessage(ConfigPlan plan, PropMigrator.Result result, List<Finding> findings) {
    StringBuilder m = new StringBuilder("Migrate the configuration from " + plan.oldRepository().branch() + " to "
        + plan.newRepository().branch() + " (prop_migrator rules)\n\n");
    m.append("old-value-takes-priority, the old value is kept (").append(result.rewrites().size()).append("):\n");
    result.rewrites().forEach(r -> m.append("  ").append(r.file()).append(' ').append(r.key()).append('\n'));
    m.append("\nmanual-configuration.csv, left for the adjudication:\n");
    countBy(result.manual().stream().map(PropMigrator.ManualRow::action).toList()).forEach((a, n) -> m.append("  ").append(a)
        .append(": ").append(n).append('\n'));
    m.append("\nfindings beyond prop_migrator:\n");
    countBy(findings.stream().map(f -> f.type().name()).toList()).forEach((t, n) -> m.append("  ").append(t).append(": ")
        .append(n).append('\n'));
    return m.toString();
  }

  private static Map<String, Long> countBy(List<String> values) {
    return values.stream().collect(Collectors.groupingBy(v -> v, LinkedHashMap::new, Collectors.counting()));
  }

  private static String summary(ConfigPlan plan, State state, PropMigrator.Result result, List<Finding> findings, Path dir) {
    StringBuilder s = new StringBuilder();
    s.append("Branch ").append(plan.migratedBranch()).append(" at ").append(state.branchCommit(), 0, 12).append(" (from ")
        .append(plan.newRepository().branch()).append(' ').append(state.newCommit(), 0, 12).append("; old ")
        .append(plan.oldRepository().branch()).append(' ').append(state.oldCommit(), 0, 12).append(")\n");
    s.append("Different values: ").append(result.different().size()).append(", old only: ").append(result.oldOnly().size())
        .append(", latest only: ").append(result.latestOnly().size()).append('\n');
    s.append("Old values kept (old-value-takes-priority): ").append(result.rewrites().size()).append('\n');
    s.append("Rows to adjudicate: ").append(result.manual().size()).append('\n');
    countBy(result.manual().stream().map(PropMigrator.ManualRow::action).toList())
        .forEach((a, n) -> s.append("  ").append(a).append(": ").append(n).append('\n'));
    s.append("Findings beyond prop_migrator (").append(dir.resolve("out/findings.csv")).append("):\n");
    countBy(findings.stream().map(f -> f.type().name()).toList()).forEach((t, n) -> s.append("  ").append(t).append(": ")
        .append(n).append('\n'));
    findings.stream().filter(f -> f.type() != Findings.Type.PARSE_DIFFERS).limit(30).forEach(f -> s.append("- ")
        .append(f.type()).append(' ').append(f.file()).append(f.key().isEmpty() ? "" : " " + f.key()).append(": ")
        .append(f.detail()).append('\n'));
    return s.toString();
  }

  /** The manual rows recorded in {@code runDir}, checked against the hash taken when they were written. */
  static Adjudication recorded(Path runDir) throws IOException {
    State state = state(runDir);
    Path rows = runDir.resolve(MANUAL);
    if (!sha256(rows).equals(state.rowsSha256())) {
      throw new IllegalStateException(rows + " changed since the migration wrote it: re-run the migration");
    }
    return Adjudication.read(rows);
  }

  private static State state(Path runDir) throws IOException {
    Path file = runDir.resolve(STATE);
    if (!Files.isRegularFile(file)) {
      throw new IllegalStateException("No config migration is recorded in " + runDir
          + ": config.migrate must run first, with the same orchestrator.config.work-dir");
    }
    return JSON.readValue(file.toFile(), State.class);
  }

  /**
   * Applies the reviewer's decisions as a second commit on the migration branch and pushes it. A retry
   * after the push finds that commit on the branch and does nothing more.
   */
  public Map<String, Object> applyDecisions(String run, String decisions) throws IOException, GitAPIException {
    State state = state(runDir(run));
    List<Adjudication.Decided> decided = recorded(runDir(run)).decide(decisions);
    Ref branch = git.find(state.url(), state.branch()).filter(r -> r.getName().startsWith("refs/heads/"))
        .orElseThrow(() -> new IllegalStateException("The branch " + state.branch() + " is gone from " + state.url()
            + ": re-run the config migration"));
    Path repoDir = runDir(run).resolve("apply/repo");
    try (Git repo = ConfigGit.init(repoDir)) {
      RevCommit tip = git.fetch(repo, state.url(), branch, "refs/upgrade/branch");
      if (tip.getParentCount() == 1 && tip.getParent(0).name().equals(state.branchCommit())
          && tip.getFullMessage().startsWith(DECISIONS_TITLE)) {
        return Map.of("configAdjudicationCommit", tip.name());
      }
      if (!tip.name().equals(state.branchCommit())) {
        throw new IllegalStateException("The branch " + state.branch() + " moved to " + tip.name() + " since the migration ("
            + state.branchCommit() + "): merge those changes by hand or re-run the migration");
      }
      repo.checkout().setCreateBranch(true).setName(state.branch()).setStartPoint(tip).call();
      List<String> changes = Adjudication.apply(decided, repoDir, state.latestFileOfOld());
      RevCommit commit = ConfigGit.commit(repo, DECISIONS_TITLE + " (" + decided.size() + " rows)\n\n"
          + String.join("\n", changes) + "\n");
      git.push(repo, state.url(), "refs/heads/" + state.branch(), state.branch());
      return Map.of("configAdjudicationCommit", commit.name());
    }
  }

  static final String DECISIONS_TITLE = "Apply the config adjudication";

  /** Deletes the migration branch (never another); records the tip it had, so it can be restored. */
  public Map<String, Object> deleteBranch(ConfigPlan plan) throws IOException, GitAPIException {
    String url = plan.newRepository().url();
    Optional<Ref> branch = git.find(url, plan.migratedBranch()).filter(r -> r.getName().startsWith("refs/heads/"));
    if (branch.isEmpty()) {
      return Map.of("configBranchDeleted", "absent");
    }
    Path dir = Files.createTempDirectory("config-delete");
    try (Git repo = ConfigGit.init(dir.resolve("repo"))) {
      git.push(repo, url, "", plan.migratedBranch());
    } finally {
      org.springframework.util.FileSystemUtils.deleteRecursively(dir);
    }
    if (git.find(url, plan.migratedBranch()).filter(r -> r.getName().startsWith("refs/heads/")).isPresent()) {
      throw new IllegalStateException("The branch " + plan.migratedBranch() + " is still on " + url + " after its deletion");
    }
    return Map.of("configBranchDeleted", branch.get().getObjectId().name());
  }

  static String sha256(Path file) throws IOException {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
