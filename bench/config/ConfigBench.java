package org.dpi.upgrade.config;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.eclipse.jgit.api.Git;

/**
 * Times the config migration on a generated configuration of 36 files: about 5,200 keys in the old
 * version and 6,000 in the new one, with a knowledge base covering part of the differences.
 * Prints the median of several runs of (a) prop_migrator's rules and the findings on two directories
 * and (b) the whole config.migrate step against a bare repository on disk (fetch, export, migrate,
 * commit, push), then the check and commit of decisions for every manual row.
 */
public final class ConfigBench {

  static final int FILES = 36;
  static final int OLD_KEYS = 145;
  static final int NEW_KEYS = 167;
  static final int RUNS = 5;

  public static void main(String[] args) throws Exception {
    Path dir = Files.createTempDirectory("config-bench");
    Path old = dir.resolve("old");
    Path latest = dir.resolve("latest");
    Path kb = dir.resolve("kb");
    int[] keys = generate(old, latest, kb);
    System.out.printf("generated %d files: %d old keys, %d new keys%n", FILES, keys[0], keys[1]);

    List<Long> core = new ArrayList<>();
    PropMigrator.Result result = null;
    for (int i = 0; i < RUNS; i++) {
      Path copy = dir.resolve("core-" + i);
      copyTree(latest, copy);
      long start = System.nanoTime();
      KnowledgeBase knowledge = KnowledgeBase.load(kb);
      List<Findings.Finding> findings = new ArrayList<>(Findings.beforeMigration(old, copy, knowledge));
      result = PropMigrator.run(old, copy, knowledge);
      findings.addAll(Findings.afterMigration(old, copy, knowledge, result));
      result.write(dir.resolve("core-out-" + i));
      core.add(System.nanoTime() - start);
    }
    System.out.printf("prop_migrator rules + findings: median %d ms (%d different, %d old only, %d latest only,"
        + " %d rewrites, %d manual rows)%n", median(core), result.different().size(), result.oldOnly().size(),
        result.latestOnly().size(), result.rewrites().size(), result.manual().size());

    String url = remote(dir, old, latest);
    List<Long> step = new ArrayList<>();
    List<Long> apply = new ArrayList<>();
    for (int i = 0; i < RUNS; i++) {
      ConfigMigration migration = new ConfigMigration(dir.resolve("work-" + i), null);
      ConfigPlan plan = ConfigPlan.parse(Map.of("oldRepository", Map.of("url", url, "branch", "old"),
          "newRepository", Map.of("url", url, "branch", "new"), "migratedBranch", "bench-" + i, "knowledgeBase", kb.toString()));
      long start = System.nanoTime();
      Map<String, Object> variables = migration.migrate(plan, "run");
      step.add(System.nanoTime() - start);
      String decisions = ((String) variables.get("adjudicationDecisions")).replace("= ?", "= take-latest")
          .replace("update-if-old-value-takes-priority = take-latest", "update-if-old-value-takes-priority = keep-old");
      start = System.nanoTime();
      migration.applyDecisions("run", decisions);
      apply.add(System.nanoTime() - start);
    }
    System.out.printf("config.migrate (fetch, export, rules, findings, commit, push): median %d ms%n", median(step));
    System.out.printf("config.apply-decisions (check every row, apply, commit, push): median %d ms%n", median(apply));
    org.springframework.util.FileSystemUtils.deleteRecursively(dir);
  }

  static int[] generate(Path old, Path latest, Path kb) throws Exception {
    Files.createDirectories(old);
    Files.createDirectories(latest);
    Files.createDirectories(kb);
    StringBuilder mapping = new StringBuilder("Old Property File,Latest Property File\n");
    StringBuilder oldPriority = new StringBuilder("Property file name,key\n");
    StringBuilder latestPriority = new StringBuilder("Property file name,key\n");
    StringBuilder removed = new StringBuilder("Property file name,key\n");
    StringBuilder decent = new StringBuilder("Property file name,Key\n");
    int oldKeys = 0;
    int newKeys = 0;
    for (int f = 0; f < FILES; f++) {
      String name = "module" + f + "-default.properties";
      mapping.append(name).append(',').append(name).append('\n');
      StringBuilder o = new StringBuilder("# module " + f + " (old)\n");
      StringBuilder n = new StringBuilder("# module " + f + " (new)\n");
      for (int k = 0; k < NEW_KEYS + 10; k++) {
        String key = "mosip.module" + f + ".setting" + k;
        String value = "${mosip.api.internal.url}/v1/module" + f + "/" + k;
        boolean inOld = k < OLD_KEYS;
        boolean inNew = k >= 10;
        if (inOld) {
          o.append(key).append('=').append(value).append('\n');
          oldKeys++;
        }
        if (inNew) {
          boolean changed = k % 8 == 0 && inOld;
          n.append(key).append('=').append(changed ? value + "/v2" : value).append('\n');
          newKeys++;
          if (changed && k % 3 == 0) {
            oldPriority.append(name).append(',').append(key).append('\n');
          } else if (changed && k % 3 == 1) {
            latestPriority.append(name).append(',').append(key).append('\n');
          }
          if (!inOld && k % 2 == 0) {
            decent.append(name).append(',').append(key).append('\n');
          }
        } else if (k % 2 == 0) {
          removed.append(name).append(',').append(key).append('\n');
        }
      }
      Files.writeString(old.resolve(name), o);
      Files.writeString(latest.resolve(name), n);
    }
    Files.writeString(kb.resolve(KnowledgeBase.MAPPING), mapping);
    Files.writeString(kb.resolve(KnowledgeBase.OLD_PRIORITY), oldPriority);
    Files.writeString(kb.resolve(KnowledgeBase.LATEST_PRIORITY), latestPriority);
    Files.writeString(kb.resolve(KnowledgeBase.REMOVED), removed);
    Files.writeString(kb.resolve(KnowledgeBase.DECENT_DEFAULT), decent);
    Files.writeString(kb.resolve(KnowledgeBase.CATEGORIES), "Property file name,Key,Property Category\n");
    return new int[] {oldKeys, newKeys};
  }

  /** A bare repository with branch old and branch new. */
  static String remote(Path dir, Path old, Path latest) throws Exception {
    Path bare = dir.resolve("remote.git");
    Git.init().setBare(true).setDirectory(bare.toFile()).call().close();
    for (String side : List.of("old", "new")) {
      Path work = dir.resolve("src-" + side);
      copyTree(side.equals("old") ? old : latest, work);
      try (Git git = Git.init().setDirectory(work.toFile()).setInitialBranch(side).call()) {
        git.add().addFilepattern(".").call();
        git.commit().setMessage(side).setAuthor(ConfigGit.AUTHOR).setCommitter(ConfigGit.AUTHOR).setSign(false).call();
        git.push().setRemote(bare.toUri().toString()).add(side).call();
      }
    }
    return bare.toUri().toString();
  }

  static void copyTree(Path from, Path to) throws Exception {
    Files.createDirectories(to);
    try (var files = Files.list(from)) {
      for (Path f : files.toList()) {
        Files.copy(f, to.resolve(f.getFileName()));
      }
    }
  }

  static long median(List<Long> nanos) {
    List<Long> sorted = nanos.stream().sorted().toList();
    return sorted.get(sorted.size() / 2) / 1_000_000;
  }
}
