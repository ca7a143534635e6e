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
 * a short while, and a restart unlocks it. The attacker connects from another loopback address.
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
    var admin = identity.createUserQuery().userId("admin").singleResult();
    admin.setPassword("pw-admin");
    identity.saveUser(admin);
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

  /** GET of the process definitions from {@code from}, with HTTP Basic credentials; the HTTP status. */
  private int get(String from, String user, String password) {
    try (Socket socket = new Socket()) {
      socket.bind(new InetSocketAddress(from, 0));
      socket.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
      socket.setSoTimeout(30_000);
      String credentials = Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
      socket.getOutputStream().write(("GET /engine-rest/process-definition/count HTTP/1.1\r\nHost: localhost\r\n"
          + "Authorization: Basic " + credentials + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
      String status = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII)).readLine();
      return Integer.parseInt(status.split(" ")[1]);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
