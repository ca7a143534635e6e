package org.dpi.upgrade;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The engine database of a run without sandbox (H2 file, application.yaml) keeps every commit it
 * acknowledged when the process is killed: H2's default write delay lost about a sixth of 200
 * commits made just before a halt.
 */
class DurableH2Test {

  static final int COMMITS = 200;

  @Test
  void everyAcknowledgedCommitIsThereAfterTheProcessWasKilled(@TempDir Path dir) throws Exception {
    String url = new ObjectMapper(new YAMLFactory()).readTree(getClass().getResource("/application.yaml"))
        .at("/spring/datasource/url").asText().replace("${orchestrator.data-directory}", dir.toString());
    Process child = new ProcessBuilder(ProcessHandle.current().info().command().orElse("java"), "-cp",
        System.getProperty("java.class.path"), Commits.class.getName(), url).redirectErrorStream(true).start();
    String output = new String(child.getInputStream().readAllBytes());
    assertThat(child.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(output).as("the child acknowledged its commits, then halted").contains("committed " + COMMITS);
    try (Connection c = DriverManager.getConnection(url, "sa", ""); ResultSet r = c.createStatement().executeQuery("select count(*) from t")) {
      r.next();
      assertThat(r.getInt(1)).isEqualTo(COMMITS);
    }
  }

  /** Commits {@value #COMMITS} inserts one by one, says so, and halts at once (as kill -9 would). */
  public static final class Commits {
    public static void main(String[] args) throws Exception {
      Connection c = DriverManager.getConnection(args[0], "sa", "");
      c.createStatement().execute("create table t(i int)");
      for (int i = 0; i < COMMITS; i++) {
        c.createStatement().execute("insert into t values (" + i + ")");
      }
      System.out.println("committed " + COMMITS);
      System.out.flush();
      Runtime.getRuntime().halt(9);
    }
  }
}
