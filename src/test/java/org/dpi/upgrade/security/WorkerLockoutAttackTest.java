package org.dpi.upgrade.security;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.Map;
import org.camunda.bpm.engine.impl.persistence.entity.UserEntity;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * Attack: wrong passwords sent by anyone, to lock the worker account (every automated step would
 * stop) or the admin (nobody left to unlock). The attacker's address is refused after 10 failures
 * (429) while the worker keeps working from its own; the worker is never locked, the admin only for
 * a short while, and a restart unlocks it; the webapp login is limited the same way. The attacker
 * connects from other loopback addresses.
 */
class WorkerLockoutAttackTest extends AttackTest {

  @LocalServerPort int port;
  @Autowired IdentitySetup identitySetup;

  @Test
  void elevenWrongPasswordsForTheWorkerStopTheAttackerNotTheAutomatedSteps() {
    String instance = start();
    List<Integer> answers = new ArrayList<>();
    for (int i = 0; i < 11; i++) {
      answers.add(get("127.0.0.2", "upgrade-worker", "guess-" + i));
    }
    assertThat(answers.subList(0, 10)).containsOnly(401);
    assertThat(answers.get(10)).isEqualTo(429);
    assertThat(get("127.0.0.2", "upgrade-worker", workerPassword)).as("the address is refused, right password or not")
        .isEqualTo(429);

    UserEntity worker = (UserEntity) engine.getIdentityService().createUserQuery().userId("upgrade-worker").singleResult();
    assertThat(worker.getAttempts()).isZero();
    assertThat(worker.getLockExpirationTime()).isNull();
    completeExternal(instance, "postgres.rehearse", Map.of());
    assertThat(engine.getRuntimeService().getActiveActivityIds(instance)).containsExactly("Task_ApprovePostgresUpgrade");
    engine.getRuntimeService().deleteProcessInstance(instance, "test done");
  }

  @Test
  void wrongPasswordsDelayTheAdminOnlyForAWhileAndARestartUnlocksIt() {
    var identity = engine.getIdentityService();
    for (int i = 0; i < 11; i++) {
      get("127.0.0.3", "admin", "guess-" + i);
    }
    UserEntity locked = (UserEntity) identity.createUserQuery().userId("admin").singleResult();
    // Camunda's delay after a wrong password, at most loginDelayMaxTime (60 s); never the permanent lock
    assertThat(locked.getAttempts()).isPositive();
    assertThat(locked.getLockExpirationTime()).isAfter(new Date()).isBefore(new Date(System.currentTimeMillis() + 61_000));
    assertThat(identity.checkPassword("admin", "pw-admin")).as("delayed for now").isFalse();

    identitySetup.postProcessEngineBuild(engine); // what every start does
    assertThat(get("127.0.0.4", "admin", "pw-admin")).isEqualTo(200);
  }

  @Test
  void theWebappLoginIsLimitedPerAddressToo() {
    // as a browser: a first request gives the session and the CSRF token the login must send back
    List<String> head = send("127.0.0.5", "GET /camunda/api/admin/auth/user/default HTTP/1.1\r\n", "");
    String cookies = String.join("; ", head.stream().filter(h -> h.startsWith("Set-Cookie: "))
        .map(h -> h.substring("Set-Cookie: ".length()).split(";", 2)[0]).toList());
    String token = head.stream().filter(h -> h.startsWith("X-XSRF-TOKEN: ")).findFirst().orElseThrow()
        .substring("X-XSRF-TOKEN: ".length());
    List<Integer> answers = new ArrayList<>();
    for (int i = 0; i < 11; i++) {
      String form = "username=demo-manager&password=guess-" + i;
      answers.add(status(send("127.0.0.5", "POST /camunda/api/admin/auth/user/default/login/cockpit HTTP/1.1\r\n"
          + "Cookie: " + cookies + "\r\nX-XSRF-TOKEN: " + token + "\r\nOrigin: http://localhost:" + port + "\r\n"
          + "Content-Type: application/x-www-form-urlencoded\r\nContent-Length: " + form.length() + "\r\n", form)));
    }
    assertThat(answers.subList(0, 10)).containsOnly(401);
    assertThat(answers.get(10)).isEqualTo(429);
  }

  /** GET of the process definitions from {@code from}, with HTTP Basic credentials; the HTTP status. */
  private int get(String from, String user, String password) {
    String credentials = Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    return status(send(from, "GET /engine-rest/process-definition/count HTTP/1.1\r\nAuthorization: Basic " + credentials
        + "\r\n", ""));
  }

  private static int status(List<String> head) {
    return Integer.parseInt(head.get(0).split(" ")[1]);
  }

  /**
   * Sends one request from the local address {@code from} (request line and headers, then the body)
   * and returns the response's status line and headers.
   */
  private List<String> send(String from, String head, String body) {
    try (Socket socket = new Socket()) {
      socket.bind(new InetSocketAddress(from, 0));
      socket.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
      socket.setSoTimeout(30_000);
      socket.getOutputStream().write((head + "Host: localhost:" + port + "\r\nConnection: close\r\n\r\n" + body)
          .getBytes(StandardCharsets.US_ASCII));
      BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII));
      List<String> response = new ArrayList<>();
      for (String line = in.readLine(); line != null && !line.isEmpty(); line = in.readLine()) {
        response.add(line);
      }
      return response;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
