package org.dpi.upgrade.objectstore;

import java.io.IOException;
import java.io.PrintStream;
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
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The migration by hand, without the engine or Spring (docs/objectstore.md):
 * <pre>
 * migrate --mode pre-copy|delta [--buckets a,b] [--delete-removed] [--config file]
 * verify [--mode listing|content] [--buckets a,b] [--config file]
 * </pre>
 * Settings come from the environment ({@code OBJECTSTORE_SOURCE_ENDPOINT}, {@code ..._ACCESS_KEY},
 * {@code ..._SECRET_KEY}, {@code ..._REGION}, the same for {@code TARGET}, {@code OBJECTSTORE_STATE_DIRECTORY},
 * {@code OBJECTSTORE_PARALLELISM}, {@code OBJECTSTORE_PART_SIZE_MB}, {@code OBJECTSTORE_*_TIMEOUT_SECONDS},
 * {@code OBJECTSTORE_RETRIES}, {@code OBJECTSTORE_RETRY_BACKOFF_SECONDS}), or from a properties file
 * with the same names, which wins. Progress goes to stderr every 5 s, results to stdout. Exit
 * status: 0 done, 1 failed, 2 differences found, 3 some objects could not be copied, 64 wrong usage.
 */
public final class ObjectStoreCli {

  static final int FAILED = 1;
  static final int DIFFERENCES = 2;
  static final int OBJECTS_FAILED = 3;
  static final int USAGE_ERROR = 64;
  static final Duration PROGRESS_EVERY = Duration.ofSeconds(5);

  private ObjectStoreCli() {
  }

  public static void main(String[] args) {
    System.exit(run(Arrays.asList(args), System.getenv(), System.out, System.err));
  }

  static int run(List<String> args, Map<String, String> environment, PrintStream out, PrintStream err) {
    try {
      Command command = Command.parse(args);
      ObjectMigrator migrator = new ObjectMigrator(settings(command.config == null ? environment::get
          : fileThen(command.config, environment)));
      if (command.verify) {
        VerificationReport report = migrator.verify(command.plan);
        out.println(report);
        report.listed().forEach(out::println);
        return report.differences() == 0 ? 0 : DIFFERENCES;
      }
      try {
        out.println(migrator.migrate(command.plan, command.mode, MigrationProgress.Listener.every(PROGRESS_EVERY,
            err::println)));
        return 0;
      } catch (FailedObjectsException e) {
        out.println(e.summary());
        e.summary().failures().forEach(out::println);
        err.println(e.getMessage());
        return OBJECTS_FAILED;
      }
    } catch (UsageException e) {
      err.println(e.getMessage());
      err.println(USAGE);
      return USAGE_ERROR;
    } catch (RuntimeException e) {
      err.println(e.getMessage() == null ? e.toString() : e.getMessage());
      return FAILED;
    }
  }

  static final String USAGE = """
      usage: migrate --mode pre-copy|delta [--buckets a,b] [--delete-removed] [--config file]
             verify [--mode listing|content] [--buckets a,b] [--config file]""";

  static ObjectStoreSettings settings(Function<String, String> setting) {
    String state = setting.apply(ObjectStoreSettings.environment("state-directory"));
    return new ObjectStoreSettings(endpoint("source", setting), endpoint("target", setting),
        state == null ? null : Path.of(state),
        number(setting, "parallelism", ObjectStoreSettings.DEFAULT_PARALLELISM),
        number(setting, "part-size", (int) (ObjectStoreSettings.DEFAULT_PART_SIZE >> 20)) * 1024L * 1024,
        duration(setting, "connect-timeout", ObjectStoreSettings.DEFAULT_CONNECT_TIMEOUT),
        duration(setting, "read-timeout", ObjectStoreSettings.DEFAULT_READ_TIMEOUT),
        duration(setting, "write-timeout", ObjectStoreSettings.DEFAULT_WRITE_TIMEOUT),
        number(setting, "retries", ObjectStoreSettings.DEFAULT_RETRIES),
        duration(setting, "retry-backoff", ObjectStoreSettings.DEFAULT_RETRY_BACKOFF), null);
  }

  private static Endpoint endpoint(String role, Function<String, String> setting) {
    Endpoint names = new Endpoint(role, null, null, null, null, null);
    return new Endpoint(role, setting.apply(names.setting("endpoint")), setting.apply(names.setting("access-key")),
        setting.apply(names.setting("secret-key")), setting.apply(names.setting("region")), null);
  }

  private static int number(Function<String, String> setting, String name, int absent) {
    String variable = ObjectStoreSettings.environment(name);
    String value = setting.apply(variable);
    try {
      return value == null ? absent : Integer.parseInt(value.trim());
    } catch (NumberFormatException e) {
      throw new UsageException(variable + " must be a whole number");
    }
  }

  private static final Pattern DURATION = Pattern.compile("(\\d+)\\s*(ms|s)?");

  /** Seconds, or with a unit: 30, 30s, 250ms. */
  private static Duration duration(Function<String, String> setting, String name, Duration absent) {
    String variable = ObjectStoreSettings.environment(name);
    String value = setting.apply(variable);
    if (value == null) {
      return absent;
    }
    Matcher m = DURATION.matcher(value.trim());
    if (!m.matches()) {
      throw new UsageException(variable + " must be a whole number of seconds (or end in ms)");
    }
    long amount = Long.parseLong(m.group(1));
    return "ms".equals(m.group(2)) ? Duration.ofMillis(amount) : Duration.ofSeconds(amount);
  }

  private static Function<String, String> fileThen(Path file, Map<String, String> environment) {
    Properties properties = new Properties();
    try (Reader in = Files.newBufferedReader(file)) {
      properties.load(in);
    } catch (IOException e) {
      throw new UsageException("cannot read the settings file " + file + ": " + e.getClass().getSimpleName());
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
      String mode = verify ? "content" : null;
      Path config = null;
      List<String> buckets = null;
      boolean deleteRemoved = false;
      for (int i = 1; i < args.size(); i++) {
        switch (args.get(i)) {
          case "--mode" -> mode = value(args, ++i);
          case "--config" -> config = Path.of(value(args, ++i));
          case "--buckets" -> buckets = Arrays.stream(value(args, ++i).split(",")).map(String::trim)
              .filter(name -> !name.isEmpty()).toList();
          case "--delete-removed" -> deleteRemoved = true;
          default -> throw new UsageException("unknown argument " + args.get(i));
        }
      }
      List<String> problems = new ArrayList<>();
      if (verify && !List.of("listing", "content").contains(mode)) {
        problems.add("verify takes --mode listing or --mode content");
      } else if (!verify && !ObjectMigrator.isMode(mode)) {
        problems.add("migrate needs --mode pre-copy or --mode delta");
      }
      MigrationPlan plan = null;
      try {
        plan = MigrationPlan.of(buckets, deleteRemoved, "content".equals(mode));
      } catch (IllegalArgumentException e) {
        problems.add("--buckets: " + e.getMessage());
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
