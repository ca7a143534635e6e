package org.dpi.upgrade.database;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;

/**
 * A PostgreSQL server reached by direct connection as a superuser. The password comes from Spring
 * configuration (an environment variable); empty means libpq finds it itself (PGPASSFILE, trust).
 */
public record Server(String host, int port, String user, String password) {

  public Server {
    if (host == null || host.isBlank() || port <= 0 || user == null || user.isBlank()) {
      throw new IllegalArgumentException("a PostgreSQL server needs host, port and user (orchestrator.database.*)");
    }
  }

  /** libpq environment of the client tools: the password never goes on a command line. */
  Map<String, String> environment() {
    Map<String, String> env = new HashMap<>();
    env.put("PGHOST", host);
    env.put("PGPORT", String.valueOf(port));
    env.put("PGUSER", user);
    if (password != null && !password.isEmpty()) {
      env.put("PGPASSWORD", password);
    }
    return env;
  }

  Connection connect(String database) throws SQLException {
    Properties properties = new Properties();
    properties.setProperty("user", user);
    if (password != null && !password.isEmpty()) {
      properties.setProperty("password", password);
    }
    return DriverManager.getConnection("jdbc:postgresql://" + host + ":" + port + "/" + database, properties);
  }

  @Override
  public String toString() {
    return user + "@" + host + ":" + port;
  }
}
