package org.dpi.upgrade.sandbox;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.dpi.upgrade.database.PgTools;
import org.springframework.util.FileSystemUtils;

/**
 * The MOSIP databases of the sandbox and the upgrade.csv chain that moves them to 1.2.1.0: the
 * project's own fixture (classpath {@code sandbox/database}: several databases, {@code \c},
 * {@code \echo}-only steps, {@code \ir}, {@code \COPY}, psql variables, a {@code CREATE INDEX
 * CONCURRENTLY}). With the vendor defect planted, two of its scripts are replaced by
 * {@code sandbox/vendor-defect}: a kernel rollback that drops the live table {@code key_alias}
 * instead of its copy {@code key_alias_bkp}, and an audit upgrade whose unique index fails on the
 * data (so the upgrade stops at an incident and its rollback runs the defective script).
 */
final class MosipDatabases {

  private MosipDatabases() {
  }

  /** Creates the 1.2.0.1 databases on the server MOSIP uses. */
  static void create(SandboxPostgres server, Path work) throws IOException {
    Path base = work.resolve("base.sql");
    ClasspathTree.copy("sandbox/database", work);
    PgTools.Result result = new PgTools(List.of()).run(
        List.of("psql", "-v", "ON_ERROR_STOP=1", "-q", "--dbname=postgres", "-f", base.toString()), server.environment(), null);
    FileSystemUtils.deleteRecursively(work);
    if (!result.ok()) {
      throw new IOException("creating the sandbox's MOSIP databases failed on " + server + ": " + result.error());
    }
  }

  /**
   * Writes {@code <mosip>/upgrade.csv} and {@code <mosip>/db_upgrade_scripts}, the clean scripts or
   * those with the vendor defect; replaces what a previous start wrote.
   */
  static void writeScripts(Path mosip, boolean vendorDefect) throws IOException {
    Path staging = mosip.resolve("database-staging");
    FileSystemUtils.deleteRecursively(staging);
    ClasspathTree.copy("sandbox/database", staging);
    if (vendorDefect) {
      ClasspathTree.copy("sandbox/vendor-defect", staging);
    }
    Path scripts = mosip.resolve("db_upgrade_scripts");
    FileSystemUtils.deleteRecursively(scripts);
    Files.move(staging.resolve("scripts"), scripts);
    Files.move(staging.resolve("upgrade.csv"), mosip.resolve("upgrade.csv"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    FileSystemUtils.deleteRecursively(staging);
  }
}
