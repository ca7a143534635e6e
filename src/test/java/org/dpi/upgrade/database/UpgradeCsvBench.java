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
 * Benchmark, not a test (not matched by surefire's defaults; bench/database/run.sh runs it): the
 * runner on a 60-row chain against a plain shell loop of psql over the same files, and the
 * throughput of the verified backup and restore. Prints figures.
 */
class UpgradeCsvBench {

  static final int DATABASES = 20;
  static final int ROWS_PER_DATABASE = 3;
  static final int DUMP_ROWS = Integer.getInteger("bench.dumpRows", 1_000_000);

  @TempDir Path dir;

  @Test
  void runnerAgainstAShellLoopAndBackupThroughput() throws Exception {
    try (SystemPostgres postgres = SystemPostgres.start()) {
      Server server = postgres.server();
      Path csv = chain(dir);
      List<String> names = new ArrayList<>();
      for (int d = 0; d < DATABASES; d++) {
        names.add("bench_" + d);
      }

      databases(server, names);
      ProcessBuilder shellLoop = new ProcessBuilder("bash", "-c", "while IFS=, read db from to action; do psql -q -v ON_ERROR_STOP=1 -a -b "
          + "--dbname=postgres -f \"" + dir + "/scripts/$db/sql/${from}_to_${to}_${action}.sql\" > /dev/null || exit 1; done < " + csv)
          .redirectErrorStream(true).inheritIO();
      shellLoop.environment().putAll(server.environment());
      long start = System.nanoTime();
      Process loop = shellLoop.start();
      if (loop.waitFor() != 0) {
        throw new IllegalStateException("the shell loop failed");
      }
      long shell = System.nanoTime() - start;

      databases(server, names);
      UpgradeCsv upgradeCsv = UpgradeCsv.load(csv, dir.resolve("scripts"), names);
      UpgradeCsvRunner runner = new UpgradeCsvRunner(new PgTools(List.of()), server, "bench_journal", Map.of());
      start = System.nanoTime();
      runner.upgrade(upgradeCsv, true);
      long upgrade = System.nanoTime() - start;
      start = System.nanoTime();
      UpgradeCsvRunner.Rollback rollback = runner.rollback(dir.resolve("scripts"), names);
      long back = System.nanoTime() - start;
      if (!rollback.differences().isEmpty()) {
        throw new IllegalStateException("rollback differs: " + rollback.differences());
      }

      try (Connection c = server.connect("postgres"); Statement s = c.createStatement()) {
        s.execute("create database bench_data");
      }
      try (Connection c = server.connect("bench_data"); Statement s = c.createStatement()) {
        s.execute("create table t (id bigint primary key, name text, created timestamp default now())");
        s.execute("insert into t select g, md5(g::text) || md5((g * 7)::text) from generate_series(1, " + DUMP_ROWS + ") g");
      }
      long size = Fixture.count(server, "postgres", "select pg_database_size('bench_data')");
      BackupService backups = new BackupService(new PgTools(List.of()));
      start = System.nanoTime();
      BackupService.BackupFile file = backups.backup(server, List.of("bench_data"), dir.resolve("backups")).get(0);
      long dump = System.nanoTime() - start;
      start = System.nanoTime();
      backups.restore(server, "bench_data", dir.resolve("backups"));
      long restore = System.nanoTime() - start;

      System.out.printf("%n== database bench: 60-row upgrade.csv (%d databases x %d rows), PostgreSQL 15, psql 15%n", DATABASES, ROWS_PER_DATABASE);
      System.out.printf("plain shell loop of psql (upgrade only)         %7d ms%n", shell / 1_000_000);
      System.out.printf("runner upgrade (validate, checksums, snapshots, journal) %7d ms%n", upgrade / 1_000_000);
      System.out.printf("runner rollback of 60 rows + snapshot comparison %7d ms%n", back / 1_000_000);
      System.out.printf("backup: %d rows, database %.1f MB, dump %.1f MB: pg_dump -Fc + SHA-256 + pg_restore --list %d ms = %.1f MB/s (database size)%n",
          DUMP_ROWS, size / 1e6, file.size() / 1e6, dump / 1_000_000, size / 1e6 / (dump / 1e9));
      System.out.printf("restore: checksum + drop + pg_restore --create %d ms = %.1f MB/s (database size)%n",
          restore / 1_000_000, size / 1e6 / (restore / 1e9));
    }
  }

  private static void databases(Server server, List<String> names) throws Exception {
    try (Connection c = server.connect("postgres"); Statement s = c.createStatement()) {
      for (String db : names) {
        s.execute("drop database if exists " + db + " with (force)");
        s.execute("create database " + db);
      }
      s.execute("drop database if exists bench_journal with (force)");
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
