package org.dpi.upgrade.database;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Benchmark, not a test (not matched by surefire's defaults; bench/database/run.sh runs it). Side
 * by side in one run, alternating, on the same 60-row chain and freshly created databases: a plain
 * shell loop of {@code psql -v ON_ERROR_STOP=1 -a -b -f} (MOSIP's upgrade.sh) and the upgrade step
 * {@code postgres.run-upgrade-csv} end to end (validation, checksums, checks against the restore
 * point, the chain, snapshots, journal). Also the rollback step and the throughput of a restore
 * point and of a restore. Prints figures.
 */
class UpgradeCsvBench {

  static final int DATABASES = Integer.getInteger("bench.databases", 20);
  static final int ROUNDS = Integer.getInteger("bench.rounds", 3);
  static final int DUMP_ROWS = Integer.getInteger("bench.dumpRows", 1_000_000);

  @TempDir Path dir;

  @Test
  void upgradeStepAgainstAPsqlLoopAndBackupThroughput() throws Exception {
    try (SystemPostgres postgres = SystemPostgres.start()) {
      Server server = postgres.server();
      Path csv = chain(dir);
      List<String> names = new ArrayList<>();
      for (int d = 0; d < DATABASES; d++) {
        names.add("bench_" + d);
      }
      PostgresPlan plan = PostgresPlan.of(Map.of("upgradeCsv", csv.toString(), "scriptsRoot", dir.resolve("scripts").toString(),
          "databases", names, "backup", Map.of("directory", dir.resolve("backups").toString()), "onRollbackMismatch", "restore"));
      DatabaseSteps steps = new DatabaseSteps(new DatabaseSettings(server, null, null, null, Map.of(), null, dir.resolve("reports"), null, null));
      List<Long> loops = new ArrayList<>();
      List<Long> step = new ArrayList<>();
      List<Long> rollback = new ArrayList<>();
      for (int round = 0; round < ROUNDS; round++) {
        databases(server, names);
        ProcessBuilder shellLoop = new ProcessBuilder("bash", "-c", "while IFS=, read db from to action; do (cd \"" + dir
            + "/scripts/$db/sql\" && psql -v ON_ERROR_STOP=1 -a -b --dbname=postgres -f \"${from}_to_${to}_${action}.sql\") > /dev/null "
            + "|| exit 1; done < " + csv).redirectErrorStream(true).inheritIO();
        shellLoop.environment().putAll(server.environment());
        long start = System.nanoTime();
        if (shellLoop.start().waitFor() != 0) {
          throw new IllegalStateException("the shell loop failed");
        }
        loops.add(System.nanoTime() - start);

        databases(server, names);
        DatabaseSteps.Window window = new DatabaseSteps.Window("BENCH-" + round, "bench-" + round, null);
        String restorePoint = steps.backup(plan, server, window, id -> false).restorePoint();
        window = new DatabaseSteps.Window(window.ticket(), window.instance(), restorePoint);
        start = System.nanoTime();
        steps.runUpgradeCsv(plan, server, window);
        step.add(System.nanoTime() - start);
        start = System.nanoTime();
        String back = steps.rollbackUpgradeCsv(plan, server, window);
        rollback.add(System.nanoTime() - start);
        if (!back.startsWith("Every database equals the restore point")) {
          throw new IllegalStateException("rollback differs: " + back);
        }
      }

      try (Connection c = server.connect("postgres"); Statement s = c.createStatement()) {
        s.execute("create database bench_data");
      }
      try (Connection c = server.connect("bench_data"); Statement s = c.createStatement()) {
        s.execute("create table t (id bigint primary key, name text, created timestamp default now())");
        s.execute("insert into t select g, md5(g::text) || md5((g * 7)::text) from generate_series(1, " + DUMP_ROWS + ") g");
      }
      long size = Fixture.count(server, "postgres", "select pg_database_size('bench_data')");
      RestorePoints points = new RestorePoints(new BackupService(new PgTools(List.of())));
      long start = System.nanoTime();
      RestorePoints.RestorePoint point = points.create(server, dir.resolve("throughput"), "BENCH-DATA", List.of("bench_data"), 100 << 20);
      long dump = System.nanoTime() - start;
      start = System.nanoTime();
      points.restore(server, point, "bench_data");
      long restore = System.nanoTime() - start;

      System.out.printf("%n== database bench: %d-row upgrade.csv (%d databases x 3 rows), PostgreSQL 15, psql 15, %d rounds, median%n",
          DATABASES * 3, DATABASES, ROUNDS);
      System.out.printf("plain psql loop (psql -v ON_ERROR_STOP=1 -a -b -f per row)   %6d ms  %s%n", median(loops), millis(loops));
      System.out.printf("upgrade step postgres.run-upgrade-csv                        %6d ms  %s%n", median(step), millis(step));
      System.out.printf("ratio upgrade step / psql loop                               %6.2f%n", (double) median(step) / median(loops));
      System.out.printf("rollback step (60 rollback scripts, comparison)              %6d ms  %s%n", median(rollback), millis(rollback));
      System.out.printf("restore point: %d rows, database %.1f MB, dump %.1f MB: pg_dump -Fc + snapshot with checksums + SHA-256 "
              + "+ pg_restore --list %d ms = %.1f MB/s (database size)%n", DUMP_ROWS, size / 1e6, point.databases().get(0).size() / 1e6,
          dump / 1_000_000, size / 1e6 / (dump / 1e9));
      System.out.printf("restore: checksum + drop + pg_restore --create %d ms = %.1f MB/s (database size)%n",
          restore / 1_000_000, size / 1e6 / (restore / 1e9));
    }
  }

  private static long median(List<Long> nanos) {
    return nanos.stream().sorted().toList().get(nanos.size() / 2) / 1_000_000;
  }

  private static String millis(List<Long> nanos) {
    return nanos.stream().map(n -> String.valueOf(n / 1_000_000)).toList().toString();
  }

  private static void databases(Server server, List<String> names) throws Exception {
    try (Connection c = server.connect("postgres"); Statement s = c.createStatement()) {
      for (String db : names) {
        s.execute("drop database if exists " + db + " with (force)");
        s.execute("create database " + db);
      }
      s.execute("drop database if exists upgrade_orchestrator with (force)");
    }
    for (String db : names) {
      try (Connection c = server.connect(db); Statement s = c.createStatement()) {
        s.execute("create table item (id integer primary key, code text not null)");
        s.execute("insert into item select g, 'c' || g from generate_series(1, 1000) g");
      }
    }
  }

  /** 20 databases, each 1.0 -> 1.1 (no-op \echo), 1.1 -> 1.2 (column), 1.2 -> 1.3 (index concurrently). */
  private static Path chain(Path dir) throws Exception {
    StringBuilder csv = new StringBuilder();
    for (int d = 0; d < DATABASES; d++) {
      String db = "bench_" + d;
      Path sql = Files.createDirectories(dir.resolve("scripts").resolve(db).resolve("sql"));
      String c = "\\c " + db + "\n";
      write(sql, "1.0_to_1.1", c + "\\echo 'Upgrade Queries not required'\n", c + "\\echo 'Rollback Queries not required'\n");
      write(sql, "1.1_to_1.2", c + "ALTER TABLE item ADD COLUMN lang_code character varying(3) DEFAULT 'eng';\n",
          c + "ALTER TABLE item DROP COLUMN lang_code;\n");
      write(sql, "1.2_to_1.3", c + "CREATE INDEX CONCURRENTLY idx_item_code ON item (code);\n", c + "DROP INDEX CONCURRENTLY idx_item_code;\n");
      for (String step : List.of("1.0,1.1", "1.1,1.2", "1.2,1.3")) {
        csv.append(db).append(',').append(step).append(",upgrade\n");
      }
    }
    Path file = dir.resolve("upgrade.csv");
    Files.writeString(file, csv);
    return file;
  }

  private static void write(Path sql, String step, String upgrade, String rollback) throws Exception {
    Files.writeString(sql.resolve(step + "_upgrade.sql"), upgrade);
    Files.writeString(sql.resolve(step + "_rollback.sql"), rollback);
  }
}
