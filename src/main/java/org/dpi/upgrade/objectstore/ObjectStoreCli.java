package org.dpi.upgrade.objectstore;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.function.Function;

/**
 * The migration by hand, without the engine or Spring (docs/objectstore.md):
 * <pre>
 * migrate --mode pre-copy|delta [--buckets a,b] [--delete-removed] [--config file]
 * verify [--buckets a,b] [--listing-only] [--config file]
 * </pre>
 * Settings come from the environment ({@code OBJECTSTORE_SOURCE_ENDPOINT}, {@code ..._ACCESS_KEY},
 * {@code ..._SECRET_KEY}, the same for {@code TARGET}, {@code OBJECTSTORE_MANIFEST_DIRECTORY},
 * {@code OBJECTSTORE_PARALLELISM}, {@code OBJECTSTORE_PART_SIZE_MB}), or from a properties file with
 * the same names, which wins. Exit status: 0 done, 1 failed, 2 differences found, 64 wrong usage.
 */
public final class ObjectStoreCli {

  private ObjectStoreCli() {
  }

  public static void main(String[] args) {
    System.exit(run(Arrays.asList(args), System.getenv()));
  }

  static int run(List<String> args, Map<String, String> environment) {
    try {
      Command command = Command.parse(args);
      ObjectMigrator migrator = new ObjectMigrator(settings(command.config == null ? environment::get
          : fileThen(command.config, environment)));
      if (command.verify) {
        VerificationReport report = migrator.verify(command.plan);
        System.out.println(report);
        report.listed().forEach(System.out::println);
        return report.differences() == 0 ? 0 : 2;
      }
      System.out.println(migrator.migrate(command.plan, command.mode,
          MigrationProgress.Listener.every(Duration.ofSeconds(5), System.err::println)));
      return 0;
    } catch (UsageException e) {
      System.err.println(e.getMessage());
      System.err.println(USAGE);
      return 64;
    } catch (RuntimeException e) {
      System.err.println(e.getMessage() == null ? e.toString() : e.getMessage());
      return 1;
    }
  }

  static final String USAGE = """
      usage: migrate --mode pre-copy|delta [--buckets a,b] [--delete-removed] [--config file]
             verify [--buckets a,b] [--listing-only] [--config file]""";

  static ObjectStoreSettings settings(Function<String, String> setting) {
    return new ObjectStoreSettings(endpoint("source", setting), endpoint("target", setting),
        Path.of(setting.apply("OBJECTSTORE_MANIFEST_DIRECTORY") == null ? "data/objectstore"
            : setting.apply("OBJECTSTORE_MANIFEST_DIRECTORY")),
        number(setting, "OBJECTSTORE_PARALLELISM", 16), number(setting, "OBJECTSTORE_PART_SIZE_MB", 16) * 1024L * 1024);
  }

  private static Endpoint endpoint(String role, Function<String, String> setting) {
    String prefix = "OBJECTSTORE_" + role.toUpperCase() + "_";
    return new Endpoint(role, setting.apply(prefix + "ENDPOINT"), setting.apply(prefix + "ACCESS_KEY"),
        setting.apply(prefix + "SECRET_KEY"), prefix + "ENDPOINT, " + prefix + "ACCESS_KEY, " + prefix + "SECRET_KEY");
  }

  private static int number(Function<String, String> setting, String name, int absent) {
    String value = setting.apply(name);
    try {
      return value == null ? absent : Integer.parseInt(value.trim());
    } catch (NumberFormatException e) {
      throw new UsageException(name + " must be a whole number, not " + value);
    }
  }

  private static Function<String, String> fileThen(Path file, Map<String, String> environment) {
    Properties properties = new Properties();
    try (Reader in = Files.newBufferedReader(file)) {
      properties.load(in);
    } catch (IOException e) {
      throw new UsageException("cannot read the settings file " + file + ": " + e.getMessage());
    }
    return name -> properties.getProperty(name, environment.get(name));
  }

  private static final class UsageException extends RuntimeException {
    UsageException(String message) {
      super(message);
    }
  }

  private record Command(boolean verify, String mode, MigrationPlan plan, Path config) {

    static Command parse(List<String> args) {
      if (args.isEmpty() || !List.of("migrate", "verify").contains(args.get(0))) {
        throw new UsageException("the first argument must be migrate or verify");
      }
      boolean verify = args.get(0).equals("verify");
      String mode = null;
      Path config = null;
      ObjectNode section = new ObjectMapper().createObjectNode().put("buckets", "all").put("deleteRemoved", false)
          .put("verifyContent", true);
      for (int i = 1; i < args.size(); i++) {
        switch (args.get(i)) {
          case "--mode" -> mode = value(args, ++i);
          case "--config" -> config = Path.of(value(args, ++i));
          case "--buckets" -> {
            var buckets = section.putArray("buckets");
            Arrays.stream(value(args, ++i).split(",")).map(String::trim).forEach(buckets::add);
          }
          case "--delete-removed" -> section.put("deleteRemoved", true);
          case "--listing-only" -> section.put("verifyContent", false);
          default -> throw new UsageException("unknown argument " + args.get(i));
        }
      }
      List<String> problems = new ArrayList<>();
      if (!verify && !ObjectMigrator.isMode(mode)) {
        problems.add("migrate needs --mode pre-copy or --mode delta");
      }
      MigrationPlan plan = null;
      try {
        plan = MigrationPlan.parse(section.toString());
      } catch (IllegalArgumentException e) {
        problems.add(e.getMessage());
      }
      if (!problems.isEmpty()) {
        throw new UsageException(String.join("; ", problems));
      }
      return new Command(verify, mode, plan, config);
    }

    private static String value(List<String> args, int i) {
      if (i >= args.size()) {
        throw new UsageException(args.get(i - 1) + " needs a value");
      }
      return args.get(i);
    }
  }
}
