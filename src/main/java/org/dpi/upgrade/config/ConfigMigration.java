package org.dpi.upgrade.config;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.dpi.upgrade.config.Findings.Finding;
import org.eclipse.jgit.api.errors.GitAPIException;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.Ref;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.revwalk.RevCommit;
import org.eclipse.jgit.revwalk.RevWalk;
import org.eclipse.jgit.transport.CredentialsProvider;
import org.springframework.util.FileSystemUtils;

/**
 * The config steps as plain operations: {@link #migrate} (prop_migrator plus findings, one commit on a
 * new branch, pushed unless a file would be refused by the config server), {@link #applyDecisions}
 * (the review's decisions as a second commit, pushed) and {@link #deleteBranch} (the undo). Everything
 * of one run lives under {@code workRoot/<run>}: a bare repository ({@code repo.git}), the outputs
 * ({@code out/}), the review's decisions ({@code decisions.json}) and {@code state.json}. A run that
 * fails leaves the previous run's outputs as they were.
 */
public class ConfigMigration {

  /** What a run recorded for the later steps; {@code pushed}: the migration commit is on the remote branch. */
  record State(String url, String branch, String oldCommit, String newCommit, String branchCommit, boolean pushed,
      String rowsSha256, int rows, Map<String, String> latestFileOfOld) { }

  static final String STATE = "state.json";
  static final String REPO = "repo.git";
  static final String OUT = "out";
  static final String ROWS = "out/adjudication.csv";
  static final String DECISIONS_TITLE = "Apply the config adjudication";
  private static final ObjectMapper JSON = new ObjectMapper();

  private final Path workRoot;
  private final ConfigGit git;

  public ConfigMigration(Path workRoot, CredentialsProvider credentials) {
    this.workRoot = workRoot.toAbsolutePath().normalize();
    this.git = new ConfigGit(credentials);
  }

  Path runDir(String run) {
    if (run == null || !run.matches("[A-Za-z0-9._-]{1,100}") || run.startsWith(".")) {
      throw new IllegalArgumentException("'" + run + "' is not a run of the config migration");
    }
    return workRoot.resolve(run);
  }

  /**
   * Runs prop_migrator and the findings on the two versions read from their commits, commits the result
   * on a new branch and pushes it (unless the review must first fix or accept places the config server
   * refuses). Returns the step's output variables.
   */
  public Map<String, Object> migrate(ConfigPlan plan, String run) throws IOException, GitAPIException {
    plan.validate();
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
    Map<String, Map<String, Ref>> remotes = new HashMap<>();
    Optional<Ref> oldRef = resolve(plan.oldRepository(), remotes, problems);
    Optional<Ref> newRef = resolve(plan.newRepository(), remotes, problems);
    if (!problems.isEmpty()) {
      throw new IllegalArgumentException("The config migration cannot start: " + String.join("; ", problems));
    }
    Path dir = runDir(run);
    Files.createDirectories(dir);
    try (Repository repo = ConfigGit.open(dir.resolve(REPO))) {
      RevCommit old;
      RevCommit latest;
      if (plan.oldRepository().url().equals(plan.newRepository().url())) {
        List<RevCommit> both = git.fetch(repo, plan.newRepository().url(), List.of(oldRef.get(), newRef.get()));
        old = both.get(0);
        latest = both.get(1);
      } else {
        old = git.fetch(repo, plan.oldRepository().url(), List.of(oldRef.get())).get(0);
        latest = git.fetch(repo, plan.newRepository().url(), List.of(newRef.get())).get(0);
      }
      ConfigVersion oldVersion = new ConfigVersion("old", ConfigGit.files(repo, old, ConfigVersion.PROPERTIES));
      ConfigVersion latestVersion = new ConfigVersion("latest", ConfigGit.files(repo, latest, ConfigVersion.PROPERTIES));
      List<String> encoding = new ArrayList<>(oldVersion.utf8Problems());
      encoding.addAll(latestVersion.utf8Problems());
      if (!encoding.isEmpty()) {
        throw new IllegalArgumentException("The config migration cannot start: " + String.join("; ", encoding)
            + ". Neither prop_migrator nor the migration can compare such files: convert them to UTF-8 on their branch"
            + " and retry.");
      }

      List<Finding> findings = new ArrayList<>(Findings.beforeMigration(oldVersion, latestVersion, kb));
      PropMigrator.Result result = PropMigrator.run(oldVersion, latestVersion, kb);
      ConfigVersion migrated = latestVersion.with(result.rewritten());
      findings.addAll(Findings.afterMigration(oldVersion, migrated, kb, result));
      Adjudication review = Adjudication.of(result.manual(), findings).withValues(result, migrated);
      List<String> reviewed = new ArrayList<>();
      String nonProperties = ConfigGit.reviewedDiff(repo, old, latest, reviewed);
      long refused = findings.stream().filter(f -> f.type() == Findings.Type.REFUSED_BY_CONFIG_SERVER).count();

      Map<String, byte[]> changed = new LinkedHashMap<>();
      result.rewritten().forEach((file, text) -> changed.put(file, text.getBytes(StandardCharsets.UTF_8)));
      RevCommit commit = ConfigGit.commit(repo, latest, changed, migrationMessage(plan, result, findings),
          plan.migratedBranch());
      Optional<Ref> existing = ConfigGit.branch(remotes.get(plan.newRepository().url()), plan.migratedBranch());
      ObjectId branchCommit = commit;
      boolean pushed = false;
      if (existing.isPresent()) {
        branchCommit = thisMigration(repo, plan, existing.get(), latest, commit);
        pushed = true;
      } else if (refused == 0) {
        git.push(repo, plan.newRepository().url(), plan.migratedBranch(), false);
        pushed = true;
      }

      Path out = dir.resolve(OUT + ".new");
      FileSystemUtils.deleteRecursively(out);
      result.write(out);
      Findings.write(out.resolve("findings.csv"), findings);
      Files.writeString(out.resolve("non-properties.diff"), nonProperties);
      review.write(out.resolve("adjudication.csv"));
      Map<String, String> latestFileOfOld = new HashMap<>();
      kb.mapping().forEach(p -> latestFileOfOld.put(p.oldFile(), p.latestFile()));
      State state = new State(plan.newRepository().url(), plan.migratedBranch(), old.name(), latest.name(),
          branchCommit.name(), pushed, sha256(out.resolve("adjudication.csv")), review.rows.size(), latestFileOfOld);
      replace(dir, out, state);

      Map<String, Object> variables = new LinkedHashMap<>();
      variables.put("configMigrationSummary", summary(plan, state, result, findings, review, refused));
      variables.put("nonPropertiesDiffSummary", reviewed.isEmpty() ? "No *.json, *.mvel, *.jsonld, *.xsd, *.toml or *.xml"
          + " file differs." : reviewed.size() + " file(s) differ; unified diff in " + dir.resolve(OUT).resolve("non-properties.diff")
          + ":\n" + String.join("\n", reviewed));
      variables.put("configMigration", JSON.writeValueAsString(Map.of("work", dir.toString(), "branch", plan.migratedBranch(),
          "branchCommit", branchCommit.name(), "pushed", pushed, "rows", review.rows.size(), "rowsSha256", state.rowsSha256())));
      variables.put("adjudicationPage", AdjudicationPage.PATH + "/" + run);
      return variables;
    }
  }

  /** Puts the new outputs and state in place of the previous run's, which are removed only now. */
  private static void replace(Path dir, Path newOut, State state) throws IOException {
    Path out = dir.resolve(OUT);
    Path previous = dir.resolve(OUT + ".previous");
    FileSystemUtils.deleteRecursively(previous);
    if (Files.exists(out)) {
      Files.move(out, previous);
    }
    Files.move(newOut, out);
    Path stateTmp = dir.resolve(STATE + ".new");
    JSON.writeValue(stateTmp.toFile(), state);
    Files.move(stateTmp, dir.resolve(STATE), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    FileSystemUtils.deleteRecursively(previous);
  }

  private Optional<Ref> resolve(ConfigPlan.Remote remote, Map<String, Map<String, Ref>> remotes, List<String> problems) {
    try {
      Map<String, Ref> refs = remotes.get(remote.url());
      if (refs == null) {
        refs = git.refs(remote.url());
        remotes.put(remote.url(), refs);
      }
      Optional<Ref> ref = ConfigGit.find(refs, remote.branch());
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
   * The existing remote branch, accepted only when it is this very migration pushed by an earlier
   * attempt (same parent, same tree); anything else is never overwritten.
   */
  private ObjectId thisMigration(Repository repo, ConfigPlan plan, Ref existing, RevCommit latest, RevCommit commit)
      throws GitAPIException, IOException {
    if (existing.getObjectId().equals(commit)) {
      return commit;
    }
    RevCommit remote = git.fetchBranch(repo, plan.newRepository().url(), existing);
    if (remote.getParentCount() == 1 && remote.getParent(0).equals(latest) && remote.getTree().equals(commit.getTree())) {
      return existing.getObjectId();
    }
    throw new IllegalStateException("The branch " + plan.migratedBranch() + " already exists on " + plan.newRepository().url()
        + " at " + existing.getObjectId().name() + " and is not this migration: delete it or set another"
        + " config.migratedBranch in the plan");
  }

  private static String migrationMessage(ConfigPlan plan, PropMigrator.Result result, List<Finding> findings) {
    StringBuilder m = new StringBuilder("Migrate the configuration from " + plan.oldRepository().branch() + " to "
        + plan.newRepository().branch() + " (prop_migrator rules)\n\n");
    List<PropMigrator.Rewrite> kept = result.rewrites().stream().filter(r -> r.lines() > 0).toList();
    m.append("old-value-takes-priority, the old value is kept (").append(kept.size()).append("):\n");
    kept.forEach(r -> m.append("  ").append(r.file()).append(' ').append(r.key()).append('\n'));
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

  private static String summary(ConfigPlan plan, State state, PropMigrator.Result result, List<Finding> findings,
      Adjudication review, long refused) {
    StringBuilder s = new StringBuilder();
    s.append("Branch ").append(plan.migratedBranch()).append(state.pushed() ? " pushed at " : " prepared at ")
        .append(state.branchCommit(), 0, 12).append(" (from ").append(plan.newRepository().branch()).append(' ')
        .append(state.newCommit(), 0, 12).append("; old ").append(plan.oldRepository().branch()).append(' ')
        .append(state.oldCommit(), 0, 12).append(")\n");
    if (refused > 0) {
      s.append("NOT PUSHED: ").append(refused).append(" place(s) the config server would refuse; fix or accept each in the"
          + " review, the branch is pushed with the decisions\n");
    }
    s.append("Different values: ").append(result.different().size()).append(", old only: ").append(result.oldOnly().size())
        .append(", latest only: ").append(result.latestOnly().size()).append('\n');
    s.append("Old values kept (old-value-takes-priority): ").append(result.rewrites().stream().filter(r -> r.lines() > 0)
        .count()).append('\n');
    s.append("Rows to adjudicate: ").append(review.rows.size()).append('\n');
    countBy(review.rows.stream().map(Adjudication.Row::action).toList())
        .forEach((a, n) -> s.append("  ").append(a).append(": ").append(n).append('\n'));
    s.append("Findings beyond prop_migrator (out/findings.csv):\n");
    countBy(findings.stream().map(f -> f.type().name()).toList()).forEach((t, n) -> s.append("  ").append(t).append(": ")
        .append(n).append('\n'));
    findings.stream().filter(f -> f.type() != Findings.Type.PARSE_DIFFERS).limit(30).forEach(f -> s.append("- ")
        .append(f.type()).append(' ').append(f.file()).append(f.key().isEmpty() ? "" : " " + f.key()).append(": ")
        .append(f.detail()).append('\n'));
    return s.toString();
  }

  /** The review recorded in {@code runDir}, checked against the hash taken when it was written. */
  static Adjudication recorded(Path runDir) throws IOException {
    State state = state(runDir);
    Path rows = runDir.resolve(ROWS);
    if (!Files.isRegularFile(rows) || !sha256(rows).equals(state.rowsSha256())) {
      throw new IllegalStateException("The rows of the review in " + runDir + " changed since the migration wrote them:"
          + " re-run the migration");
    }
    return Adjudication.read(rows);
  }

  static State state(Path runDir) throws IOException {
    Path file = runDir.resolve(STATE);
    if (!Files.isRegularFile(file)) {
      throw new IllegalStateException("No config migration is recorded in " + runDir
          + ": config.migrate must run first, with the same orchestrator.config.work-dir");
    }
    return JSON.readValue(file.toFile(), State.class);
  }

  /** The review of run {@code run} and its decisions so far. */
  public Review review(String run) throws IOException {
    Path dir = runDir(run);
    return new Review(recorded(dir), new DecisionStore(dir));
  }

  /** A run's rows and the store of their decisions. */
  public record Review(Adjudication adjudication, DecisionStore decisions) { }

  /**
   * Applies the review's decisions as a second commit on the migration branch and pushes it (with the
   * migration commit, when that could not be pushed before). A retry after the push finds that commit on
   * the branch and does nothing more.
   */
  public Map<String, Object> applyDecisions(String run) throws IOException, GitAPIException {
    Path dir = runDir(run);
    State state = state(dir);
    List<Adjudication.Decided> decided = recorded(dir).decided(new DecisionStore(dir).load());
    Optional<Ref> branch = ConfigGit.branch(git.refs(state.url()), state.branch());
    try (Repository repo = ConfigGit.open(dir.resolve(REPO)); RevWalk walk = new RevWalk(repo)) {
      if (branch.isPresent() && !branch.get().getObjectId().name().equals(state.branchCommit())) {
        RevCommit tip = git.fetchBranch(repo, state.url(), branch.get());
        if (tip.getParentCount() == 1 && tip.getParent(0).name().equals(state.branchCommit())
            && tip.getFullMessage().startsWith(DECISIONS_TITLE)) {
          return Map.of("configAdjudicationCommit", branch.get().getObjectId().name());
        }
        throw new IllegalStateException("The branch " + state.branch() + " moved to " + branch.get().getObjectId().name()
            + " since the migration (" + state.branchCommit() + "): merge those changes by hand or re-run the migration");
      }
      if (branch.isEmpty() && state.pushed()) {
        throw new IllegalStateException("The branch " + state.branch() + " is gone from " + state.url()
            + ": re-run the config migration");
      }
      RevCommit migration = walk.parseCommit(ObjectId.fromString(state.branchCommit()));
      Map<String, String> texts = texts(repo, migration);
      Map<String, String> before = new HashMap<>(texts);
      List<String> changes = Adjudication.apply(decided, texts, state.latestFileOfOld());
      Map<String, byte[]> changed = new LinkedHashMap<>();
      texts.forEach((file, text) -> {
        if (!text.equals(before.get(file))) {
          changed.put(file, text.getBytes(StandardCharsets.UTF_8));
        }
      });
      refusedUnlessAccepted(decided, changed);
      RevCommit commit = ConfigGit.commit(repo, migration, changed, DECISIONS_TITLE + " (" + decided.size() + " rows)\n\n"
          + String.join("\n", changes) + "\n", state.branch());
      git.push(repo, state.url(), state.branch(), false);
      return Map.of("configAdjudicationCommit", commit.name());
    }
  }

  /** Refuses to push a file the config server would refuse, unless a reviewer accepted that very place. */
  private static void refusedUnlessAccepted(List<Adjudication.Decided> decided, Map<String, byte[]> changed) {
    Set<String> accepted = decided.stream().filter(d -> d.decision().decision().equals(Adjudication.ACCEPT))
        .map(d -> d.row().file() + "|" + d.row().key()).collect(Collectors.toSet());
    List<String> refused = Findings.refused(new ConfigVersion("latest", changed)).stream()
        .filter(f -> !accepted.contains(f.file() + "|" + f.key()))
        .map(f -> f.file() + " " + f.detail()).toList();
    if (!refused.isEmpty()) {
      throw new IllegalStateException("Nothing was pushed: with the decisions applied, the config server would refuse "
          + String.join("; ", refused) + ". Correct the decision of that key in the review (enter-value) and retry.");
    }
  }

  /** The text of every {@code .properties} file of {@code commit}. */
  private static Map<String, String> texts(Repository repo, RevCommit commit) throws IOException {
    Map<String, String> texts = new HashMap<>();
    ConfigGit.files(repo, commit, ConfigVersion.PROPERTIES).forEach((f, b) -> texts.put(f, new String(b, StandardCharsets.UTF_8)));
    return texts;
  }

  /**
   * {@code file} as the new version has it and as it will be pushed with the decisions made so far
   * (undecided rows change nothing): the two texts for the review's side-by-side view.
   */
  public String[] preview(String run, String file) throws IOException {
    Path dir = runDir(run);
    State state = state(dir);
    Adjudication adjudication = recorded(dir);
    Map<String, Adjudication.Decision> decisions = new DecisionStore(dir).load();
    List<Adjudication.Decided> decided = adjudication.rows.stream().filter(r -> decisions.containsKey(r.id()))
        .map(r -> new Adjudication.Decided(r, decisions.get(r.id()))).toList();
    try (Repository repo = ConfigGit.open(dir.resolve(REPO)); RevWalk walk = new RevWalk(repo)) {
      byte[] latest = ConfigGit.file(repo, walk.parseCommit(ObjectId.fromString(state.newCommit())), file);
      Map<String, String> texts = texts(repo, walk.parseCommit(ObjectId.fromString(state.branchCommit())));
      Adjudication.apply(decided, texts, state.latestFileOfOld());
      return new String[] {latest == null ? "" : new String(latest, StandardCharsets.UTF_8), texts.getOrDefault(file, "")};
    }
  }

  /** Deletes the migration branch (never another); records the tip it had, so it can be restored. */
  public Map<String, Object> deleteBranch(ConfigPlan plan) throws IOException, GitAPIException {
    String url = plan.newRepository().url();
    Optional<Ref> branch = ConfigGit.branch(git.refs(url), plan.migratedBranch());
    if (branch.isEmpty()) {
      return Map.of("configBranchDeleted", "absent");
    }
    Path dir = Files.createTempDirectory("config-delete");
    try (Repository repo = ConfigGit.open(dir.resolve(REPO))) {
      git.push(repo, url, plan.migratedBranch(), true);
    } finally {
      FileSystemUtils.deleteRecursively(dir);
    }
    if (ConfigGit.branch(git.refs(url), plan.migratedBranch()).isPresent()) {
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
