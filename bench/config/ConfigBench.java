package org.dpi.upgrade.config;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.eclipse.jgit.api.Git;
import org.springframework.util.FileSystemUtils;

/**
 * Times the config migration on a generated configuration the size of MOSIP's (36 files, about 5,200
 * keys in the old version and 5,700 in the new one, a knowledge base covering most differences), side
 * by side with MOSIP's prop_migrator when its scripts are given:
 * <ul>
 *   <li>prop_migrator's rules and the findings on the two versions in memory;</li>
 *   <li>the whole {@code config.migrate} step in a warm JVM against a bare repository on disk (list the refs,
 *       shallow fetch, read the trees, rules, findings, outputs, one commit, push);</li>
 *   <li>the same step as the first thing a fresh JVM does (cold);</li>
 *   <li>{@code config.apply-decisions} with a decision for every row;</li>
 *   <li>prop_migrator ({@code file_comparator.py} then {@code file_updater.py}, as its {@code migrator.sh}
 *       runs them: two {@code git clone}s, compare, rewrite) on the same repository.</li>
 * </ul>
 * Usage: {@code ConfigBench <runs> [<directory with file_comparator.py and file_updater.py>]};
 * {@code ConfigBench --once <dir>} is the cold run (one migration of the repository generated in {@code dir}).
 * In the warm JVM, {@link #WARM_UP} runs come first and are not counted. Each figure is the median wall
 * time, with the median CPU time (user + system, all threads or child processes) in brackets: on a shared
 * machine the CPU time is the better estimate of an idle one.
 */
public final class ConfigBench {

  static final int FILES = 36;
  static final int OLD_KEYS = 145;
  static final int NEW_KEYS = 158;
  /** Runs before the measured ones in the warm JVM (class loading, JIT). */
  static final int WARM_UP = 8;

  public static void main(String[] args) throws Exception {
    if (args[0].equals("--once")) {
      Path dir = Path.of(args[1]);
      migration(dir, "cold").migrate(plan(dir, "cold"), "cold");
      System.out.println("cpu-ms " + cpu() / 1_000_000);
      return;
    }
    int runs = Integer.parseInt(args[0]);
    Path scripts = args.length > 1 ? Path.of(args[1]) : null;
    Path dir = Files.createTempDirectory("config-bench");
    try {
      int[] keys = generate(dir.resolve("old"), dir.resolve("latest"), dir.resolve("kb"));
      remote(dir, dir.resolve("old"), dir.resolve("latest"));
      System.out.printf("generated %d files: %d old keys, %d new keys%n", FILES, keys[0], keys[1]);
      bench(dir, runs, scripts);
    } finally {
      FileSystemUtils.deleteRecursively(dir);
    }
  }

  static void bench(Path dir, int runs, Path scripts) throws Exception {
    KnowledgeBase kb = KnowledgeBase.load(dir.resolve("kb"));
    ConfigVersion old = ConfigVersion.read("old", dir.resolve("old"));
    ConfigVersion latest = ConfigVersion.read("latest", dir.resolve("latest"));
    List<Long> rules = new ArrayList<>();
    List<Long> rulesCpu = new ArrayList<>();
    PropMigrator.Result result = null;
    for (int i = 0; i < runs + WARM_UP; i++) {
      ConfigVersion o = ConfigVersion.read("old", dir.resolve("old"));
      ConfigVersion l = ConfigVersion.read("latest", dir.resolve("latest"));
      long cpuStart = cpu();
      long start = System.nanoTime();
      List<Findings.Finding> findings = new ArrayList<>(Findings.beforeMigration(o, l, kb));
      result = PropMigrator.run(o, l, kb);
      findings.addAll(Findings.afterMigration(o, l.with(result.rewritten()), kb, result));
      if (i >= WARM_UP) {
        rules.add(System.nanoTime() - start);
        rulesCpu.add(cpu() - cpuStart);
      }
    }
    System.out.printf("prop_migrator rules + findings (in memory): median %d ms [CPU %d ms] (%d different, %d old only,"
        + " %d latest only, %d rewrites, %d manual rows)%n", median(rules), median(rulesCpu), result.different().size(),
        result.oldOnly().size(), result.latestOnly().size(), result.rewrites().size(), result.manual().size());

    List<Long> step = new ArrayList<>();
    List<Long> stepCpu = new ArrayList<>();
    List<Long> apply = new ArrayList<>();
    int rows = 0;
    for (int i = 0; i < runs + WARM_UP; i++) {
      String run = "warm-" + i;
      ConfigMigration migration = migration(dir, run);
      long cpuStart = cpu();
      long start = System.nanoTime();
      migration.migrate(plan(dir, run), run);
      long took = System.nanoTime() - start;
      long tookCpu = cpu() - cpuStart;
      ConfigMigration.Review review = migration.review(run);
      rows = review.adjudication().rows.size();
      review.decisions().save(decideAll(review.adjudication()), "bench");
      start = System.nanoTime();
      migration.applyDecisions(run);
      if (i >= WARM_UP) {
        step.add(took);
        stepCpu.add(tookCpu);
        apply.add(System.nanoTime() - start);
      }
    }
    long warm = median(step);
    long warmCpu = median(stepCpu);
    System.out.printf("config.migrate, warm JVM (refs, shallow fetch, read trees, rules, findings, outputs, commit, push):"
        + " median %d ms [CPU %d ms] of %d%n", warm, warmCpu, runs);
    System.out.printf("config.apply-decisions for all %d rows (check, apply, commit, push): median %d ms%n", rows, median(apply));

    List<Long> cold = new ArrayList<>();
    List<Long> coldCpu = new ArrayList<>();
    for (int i = 0; i < runs; i++) {
      FileSystemUtils.deleteRecursively(dir.resolve("work-cold"));
      deleteBranch(dir, "bench-cold");
      long start = System.nanoTime();
      String out = output(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp",
          System.getProperty("java.class.path"), ConfigBench.class.getName(), "--once", dir.toString());
      cold.add(System.nanoTime() - start);
      coldCpu.add(Long.parseLong(out.substring(out.lastIndexOf("cpu-ms ") + 7).trim()) * 1_000_000);
    }
    System.out.printf("config.migrate, fresh JVM (java start to exit): median %d ms [CPU %d ms]%n", median(cold),
        median(coldCpu));

    if (scripts == null) {
      System.out.println("prop_migrator: not run (give the directory holding file_comparator.py and file_updater.py)");
      return;
    }
    List<Long> python = new ArrayList<>();
    List<Long> pythonCpu = new ArrayList<>();
    for (int i = 0; i < runs; i++) {
      long[] run = propMigrator(dir, scripts);
      python.add(run[0]);
      pythonCpu.add(run[1]);
    }
    long py = median(python);
    long pyCpu = median(pythonCpu);
    System.out.printf("prop_migrator (python3 file_comparator.py + file_updater.py, 2 git clones): median %d ms [CPU %d ms]%n",
        py, pyCpu);
    System.out.printf("ratio ours/prop_migrator, wall: warm %.2f, fresh JVM %.2f; CPU: warm %.2f, fresh JVM %.2f%n",
        (double) warm / py, (double) median(cold) / py, (double) warmCpu / pyCpu, (double) median(coldCpu) / pyCpu);
  }

  /** CPU time of this JVM so far (every thread), nanoseconds. */
  static long cpu() {
    return ProcessHandle.current().info().totalCpuDuration().orElseThrow().toNanos();
  }

  /**
   * One run of MOSIP's scripts in a fresh directory, as migrator.sh runs them: wall time and CPU time of
   * the two scripts and the git commands they start (a Python wrapper reads its children's usage), nanoseconds.
   */
  static long[] propMigrator(Path dir, Path scripts) throws Exception {
    Path work = dir.resolve("python");
    FileSystemUtils.deleteRecursively(work);
    Files.createDirectories(work.resolve("knowledge"));
    for (String f : List.of("file_comparator.py", "file_updater.py")) {
      Files.copy(scripts.resolve(f), work.resolve(f));
    }
    try (var kb = Files.list(dir.resolve("kb"))) {
      for (Path f : kb.toList()) {
        Files.copy(f, f.getFileName().toString().equals(KnowledgeBase.MAPPING) ? work.resolve("propert_file_mapping.csv")
            : work.resolve("knowledge").resolve(f.getFileName()));
      }
    }
    String url = dir.resolve("remote.git").toUri().toString();
    String wrapper = "import resource, subprocess, sys\n"
        + "for c in ([sys.executable, 'file_comparator.py', sys.argv[1], 'old', sys.argv[1], 'new'],"
        + " [sys.executable, 'file_updater.py', 'new']):\n"
        + "    subprocess.run(c, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)\n"
        + "r = resource.getrusage(resource.RUSAGE_CHILDREN)\n"
        + "print('cpu-ms', int((r.ru_utime + r.ru_stime) * 1000))\n";
    Files.writeString(work.resolve("timed.py"), wrapper);
    long start = System.nanoTime();
    String out = output(work, "python3", "timed.py", url);
    long wall = System.nanoTime() - start;
    return new long[] {wall, Long.parseLong(out.substring(out.lastIndexOf("cpu-ms ") + 7).trim()) * 1_000_000};
  }

  private static String output(String... command) throws Exception {
    return output(null, command);
  }

  private static String output(Path dir, String... command) throws Exception {
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
    if (dir != null) {
      builder.directory(dir.toFile());
    }
    Process p = builder.start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (p.waitFor() != 0) {
      throw new IllegalStateException(String.join(" ", command) + " failed:\n" + out);
    }
    return out;
  }

  static ConfigMigration migration(Path dir, String run) {
    return new ConfigMigration(dir.resolve("work-" + run), null);
  }

  static ConfigPlan plan(Path dir, String run) {
    String url = dir.resolve("remote.git").toUri().toString();
    return ConfigPlan.parse(Map.of("oldRepository", Map.of("url", url, "branch", "old"),
        "newRepository", Map.of("url", url, "branch", "new"), "migratedBranch", "bench-" + run,
        "knowledgeBase", dir.resolve("kb").toString()));
  }

  static Map<String, String[]> decideAll(Adjudication adjudication) {
    Map<String, String[]> decisions = new java.util.LinkedHashMap<>();
    adjudication.rows.forEach(r -> decisions.put(r.id(), r.allowed().contains(Adjudication.KEEP_OLD)
        ? new String[] {Adjudication.KEEP_OLD, ""} : new String[] {Adjudication.TAKE_LATEST, ""}));
    return decisions;
  }

  static void deleteBranch(Path dir, String branch) throws Exception {
    try (Git git = Git.open(dir.resolve("remote.git").toFile())) {
      git.branchDelete().setBranchNames(branch).setForce(true).call();
    }
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
          o.append(key).append(k % 7 == 0 ? " = " : "=").append(value).append('\n');
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
          if (!inOld && k % 4 != 0) {
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

  /** A bare repository with branch old and branch new, each one commit. */
  static void remote(Path dir, Path old, Path latest) throws Exception {
    Path bare = dir.resolve("remote.git");
    Git.init().setBare(true).setDirectory(bare.toFile()).call().close();
    for (String side : List.of("old", "new")) {
      Path work = dir.resolve("src-" + side);
      Files.createDirectories(work);
      try (var files = Files.list(side.equals("old") ? old : latest)) {
        for (Path f : files.toList()) {
          Files.copy(f, work.resolve(f.getFileName()));
        }
      }
      try (Git git = Git.init().setDirectory(work.toFile()).setInitialBranch(side).call()) {
        git.add().addFilepattern(".").call();
        git.commit().setMessage(side).setAuthor(ConfigGit.AUTHOR).setCommitter(ConfigGit.AUTHOR).setSign(false).call();
        git.push().setRemote(bare.toUri().toString()).add(side).call();
      }
    }
  }

  static long median(List<Long> nanos) {
    List<Long> sorted = nanos.stream().sorted().toList();
    return sorted.get(sorted.size() / 2) / 1_000_000;
  }
}
