package org.dpi.upgrade.sandbox;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The engine's overhead around the automated steps, on the sandbox, and the start-up cost of the
 * application with and without the sandbox. Runs the packaged jar as a user would (see run.sh):
 * <ol>
 *   <li>sandbox, built from scratch: start-to-ready, memory (JVM and the sandbox's PostgreSQL servers);</li>
 *   <li>one whole upgrade through the REST API: per automated step, the time from the external task's
 *       creation to its worker starting, and from the worker finishing to the next task's creation
 *       (from history and the workers' timing log);</li>
 *   <li>sandbox, restarted: start-to-ready and memory;</li>
 *   <li>no sandbox (sandbox.enabled=false, H2), and the postgres profile (on a PostgreSQL of the
 *       sandbox's binaries): start-to-ready and JVM memory; the postgres profile also with another jar
 *       given as argument (e.g. one built without the sandbox), side by side.</li>
 * </ol>
 */
public final class EngineBench {

  static final Pattern TIMING = Pattern.compile("^(\\S+)\\s.*org\\.dpi\\.upgrade\\.worker\\.timing\\s*: (\\w+) of ([\\w-]+): step (started|done)");

  public static void main(String[] args) throws Exception {
    Path work = Path.of("target/bench-engine").toAbsolutePath();
    OrchestratorProcess sandbox = new OrchestratorProcess(work.resolve("sandbox"));
    long began = System.nanoTime();
    sandbox.start(Duration.ofMinutes(15), "--sandbox.reset", "--logging.level.org.dpi.upgrade.worker.timing=DEBUG");
    report("sandbox, first start (builds it)", began, sandbox, work.resolve("sandbox/data/sandbox"));

    RestUpgradeDriver driver = new RestUpgradeDriver(sandbox.url(), sandbox.printedPasswords());
    String instance = driver.start("CHG-BENCH");
    long upgrade = System.nanoTime();
    driver.runUntil(instance, null, Duration.ofMinutes(30));
    System.out.printf("one whole upgrade (go) on the sandbox: %.1f s%n", (System.nanoTime() - upgrade) / 1e9);
    overhead(driver, instance, sandbox.output());

    sandbox.stop(Duration.ofMinutes(2));
    began = System.nanoTime();
    sandbox.start(Duration.ofMinutes(10));
    report("sandbox, restart", began, sandbox, work.resolve("sandbox/data/sandbox"));
    sandbox.stop(Duration.ofMinutes(2));

    OrchestratorProcess plain = new OrchestratorProcess(work.resolve("no-sandbox"));
    began = System.nanoTime();
    plain.start(Duration.ofMinutes(10), "--sandbox.enabled=false");
    report("no sandbox (H2, nothing configured)", began, plain, null);
    plain.stop(Duration.ofMinutes(2));

    List<Path> jars = new ArrayList<>(List.of(OrchestratorProcess.jar()));
    if (args.length > 0) {
      jars.add(Path.of(args[0]).toAbsolutePath());
    }
    try (SandboxPostgres database = SandboxPostgres.start("bench", 16, work.resolve("postgresql/binaries"),
        work.resolve("postgresql/bench-16"), true)) {
      for (Path jar : jars) {
        String db = "orchestrator" + jars.indexOf(jar);
        database.createDatabase(db);
        OrchestratorProcess production = new OrchestratorProcess(work.resolve("postgres-profile-" + jars.indexOf(jar)), jar);
        began = System.nanoTime();
        production.start(Duration.ofMinutes(10), "--spring.profiles.active=postgres", "--spring.datasource.url=" + database.jdbcUrl(db),
            "--spring.datasource.username=postgres", "--spring.datasource.password=", "--orchestrator.admin.password=bench-admin-password");
        report("postgres profile, " + jar + " (" + Files.size(jar) / (1024 * 1024) + " MiB)", began, production, null);
        production.stop(Duration.ofMinutes(2));
      }
    }
    System.out.printf("cores: %d, load average: %s%n", Runtime.getRuntime().availableProcessors(),
        Files.readString(Path.of("/proc/loadavg")).split(" (?=\\d+/)")[0]);
  }

  /** Start-to-ready (launch to the first screen) and resident memory 5 s after it. */
  static void report(String what, long began, OrchestratorProcess orchestrator, Path sandbox) throws Exception {
    double ready = (System.nanoTime() - began) / 1e9;
    Thread.sleep(5000);
    long jvm = rss(orchestrator.pid());
    String servers = "";
    if (sandbox != null) {
      long total = 0;
      for (ProcessHandle p : ProcessHandle.allProcesses().toList()) {
        List<String> arguments = p.info().arguments().map(List::of).orElse(List.of());
        if (arguments.stream().anyMatch(a -> a.startsWith(sandbox.resolve("postgresql").toString()))) {
          total += rss(p.pid()) + p.children().mapToLong(c -> rss(c.pid())).sum();
        }
      }
      servers = String.format(", the sandbox's 4 PostgreSQL servers %d MiB", total / 1024);
    }
    System.out.printf("%s: ready in %.1f s, JVM RSS %d MiB%s%n", what, ready, jvm / 1024, servers);
  }

  /** Resident set size in KiB. */
  static long rss(long pid) {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
        if (line.startsWith("VmRSS:")) {
          return Long.parseLong(line.replaceAll("\\D", ""));
        }
      }
    } catch (Exception gone) {
      // the process ended
    }
    return 0;
  }

  static void overhead(RestUpgradeDriver driver, String instance, String log) throws Exception {
    Map<String, Instant> started = new HashMap<>();
    Map<String, Instant> done = new HashMap<>();
    for (String line : log.lines().toList()) {
      Matcher m = TIMING.matcher(line);
      if (m.find() && m.group(3).equals(instance)) {
        (m.group(4).equals("started") ? started : done).put(m.group(2), OffsetDateTime.parse(m.group(1)).toInstant());
      }
    }
    List<JsonNode> activities = new ArrayList<>();
    for (JsonNode a : driver.get("/history/activity-instance?processInstanceId=" + instance + "&sortBy=startTime&sortOrder=asc")) {
      if (List.of("serviceTask", "userTask").contains(a.path("activityType").asText())) {
        activities.add(a);
      }
    }
    List<Long> toWorker = new ArrayList<>();
    List<Long> toNext = new ArrayList<>();
    for (int i = 0; i < activities.size(); i++) {
      JsonNode a = activities.get(i);
      String id = a.path("activityId").asText();
      if (!started.containsKey(id)) {
        continue;
      }
      toWorker.add(Duration.between(time(a.path("startTime").asText()), started.get(id)).toMillis());
      if (i + 1 < activities.size() && done.containsKey(id)) {
        toNext.add(Duration.between(done.get(id), time(activities.get(i + 1).path("startTime").asText())).toMillis());
      }
    }
    System.out.printf("engine overhead per automated step (%d steps): task available -> worker started: median %d ms, p95 %d ms%n",
        toWorker.size(), percentile(toWorker, 50), percentile(toWorker, 95));
    System.out.printf("engine overhead per automated step (%d steps): worker done -> next task created: median %d ms, p95 %d ms%n",
        toNext.size(), percentile(toNext, 50), percentile(toNext, 95));
  }

  static Instant time(String camunda) {
    return OffsetDateTime.parse(camunda, DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSZ")).toInstant();
  }

  static long percentile(List<Long> values, int percent) {
    List<Long> sorted = new ArrayList<>(values);
    Collections.sort(sorted);
    return sorted.isEmpty() ? -1 : sorted.get(Math.min(sorted.size() - 1, (int) Math.ceil(percent / 100.0 * sorted.size()) - 1));
  }
}
