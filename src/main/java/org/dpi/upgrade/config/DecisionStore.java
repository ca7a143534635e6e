package org.dpi.upgrade.config;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import org.dpi.upgrade.config.Adjudication.Decision;

/**
 * The review's decisions, kept on the server as they are made: {@code decisions.json} in the run's
 * directory (row id to decision, user and time; replaced atomically) and {@code decisions.log}, one JSON
 * line per change, never rewritten. Decisions are keyed by row id, so they survive a re-run of the
 * migration for the rows it leaves in place.
 */
public final class DecisionStore {

  static final String FILE = "decisions.json";
  static final String LOG = "decisions.log";
  /** Saving a row with this decision removes its decision. */
  public static final String UNDECIDED = "undecided";
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Object LOCK = new Object();

  private final Path dir;

  DecisionStore(Path runDir) {
    this.dir = runDir;
  }

  /** Row id to decision. */
  public Map<String, Decision> load() {
    synchronized (LOCK) {
      Path file = dir.resolve(FILE);
      if (!Files.isRegularFile(file)) {
        return new LinkedHashMap<>();
      }
      try {
        Map<String, Map<String, String>> stored = JSON.readValue(file.toFile(), new TypeReference<>() { });
        Map<String, Decision> decisions = new LinkedHashMap<>();
        stored.forEach((id, d) -> decisions.put(id, new Decision(d.get("decision"), d.get("text"), d.get("user"),
            Instant.parse(d.get("at")))));
        return decisions;
      } catch (IOException e) {
        throw new UncheckedIOException("cannot read the decisions in " + dir, e);
      }
    }
  }

  /**
   * Records {@code changes} (row id to decision and text; {@link #UNDECIDED} clears a row) as made by
   * {@code user} now. The caller has checked them.
   */
  public void save(Map<String, String[]> changes, String user) {
    Instant now = Instant.now();
    synchronized (LOCK) {
      Map<String, Decision> decisions = load();
      StringBuilder log = new StringBuilder();
      changes.forEach((id, change) -> {
        if (change[0].equals(UNDECIDED)) {
          decisions.remove(id);
        } else {
          decisions.put(id, new Decision(change[0], change[1].strip(), user, now));
        }
        try {
          log.append(JSON.writeValueAsString(Map.of("at", now.toString(), "user", user, "row", id, "decision", change[0],
              "text", change[0].equals(UNDECIDED) ? "" : change[1].strip()))).append('\n');
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      });
      Map<String, Map<String, String>> stored = new LinkedHashMap<>();
      decisions.forEach((id, d) -> stored.put(id, Map.of("decision", d.decision(), "text", d.text(), "user", d.user(),
          "at", d.at().toString())));
      try {
        Path tmp = dir.resolve(FILE + ".new");
        JSON.writeValue(tmp.toFile(), stored);
        Files.move(tmp, dir.resolve(FILE), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        Files.writeString(dir.resolve(LOG), log, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
      } catch (IOException e) {
        throw new UncheckedIOException("cannot save the decisions in " + dir, e);
      }
    }
  }
}
