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

  /** This server, or null when no host is configured; a host without port or user is an error. */
  static Server configured(Server server, String name) {
    if (server == null || server.host() == null || server.host().isBlank()) {
      return null;
    }
    if (server.port() <= 0 || server.user() == null || server.user().isBlank()) {
      throw new IllegalArgumentException("orchestrator.database." + name + " needs a port and a user besides the host " + server.host());
    }
    return server;
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
