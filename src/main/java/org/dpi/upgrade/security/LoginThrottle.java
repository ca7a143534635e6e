package org.dpi.upgrade.security;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpHeaders;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Per-client-address limit on failed logins (REST API with credentials, webapp login): after
 * {@code maxFailures} failures within {@code window}, the address gets 429 without its credentials
 * being checked, until its oldest failure leaves the window. The accounts themselves are not locked
 * by it, so an attacker's address is stopped while the worker and the admins keep working from theirs.
 */
public class LoginThrottle extends OncePerRequestFilter {

  private static final Logger LOG = LoggerFactory.getLogger(LoginThrottle.class);

  private final int maxFailures;
  private final Duration window;
  private final Clock clock;
  private final Map<String, Deque<Long>> failures = new ConcurrentHashMap<>();

  public LoginThrottle(int maxFailures, Duration window, Clock clock) {
    this.maxFailures = maxFailures;
    this.window = window;
    this.clock = clock;
  }

  @Override
  protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
      throws ServletException, IOException {
    String address = request.getRemoteAddr();
    long retryAfter = blockedFor(address);
    if (retryAfter > 0) {
      response.setStatus(429);
      response.setHeader(HttpHeaders.RETRY_AFTER, Long.toString(retryAfter));
      response.setContentType("application/json");
      response.getWriter().write("{\"type\":\"TooManyFailedLogins\",\"message\":\"Too many failed logins from "
          + "this address: try again in " + retryAfter + " seconds.\"}");
      return;
    }
    chain.doFilter(request, response);
    boolean attempted = request.getHeader(HttpHeaders.AUTHORIZATION) != null || request.getRequestURI().contains("/login/");
    if (attempted && response.getStatus() == HttpServletResponse.SC_UNAUTHORIZED) {
      fail(address);
    }
  }

  /** Seconds until the address may try again; 0 when it may now. */
  private long blockedFor(String address) {
    Deque<Long> times = failures.get(address);
    if (times == null) {
      return 0;
    }
    synchronized (times) {
      long now = clock.millis();
      while (!times.isEmpty() && times.peekFirst() <= now - window.toMillis()) {
        times.pollFirst();
      }
      if (times.size() < maxFailures) {
        return 0;
      }
      return Math.max(1, (times.peekFirst() + window.toMillis() - now + 999) / 1000);
    }
  }

  private void fail(String address) {
    if (failures.size() > 100_000) {
      failures.clear(); // bounded memory under a flood of addresses
    }
    Deque<Long> times = failures.computeIfAbsent(address, a -> new ArrayDeque<>());
    synchronized (times) {
      times.addLast(clock.millis());
      while (times.size() > maxFailures) {
        times.pollFirst();
      }
      if (times.size() == maxFailures) {
        LOG.warn("{} failed logins from {} within {}: further logins from it are refused for a while",
            maxFailures, address, window);
      }
    }
  }
}
