package org.dpi.upgrade.process;

import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.servlet.Filter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.camunda.bpm.engine.AuthorizationException;
import org.camunda.bpm.engine.BadUserRequestException;
import org.camunda.bpm.engine.ProcessEngineException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.util.ContentCachingResponseWrapper;

/**
 * What a refused request gets: one plain sentence naming each problem, answered 400 (invalid input)
 * or 403 (forbidden action), and one WARN line in the log without a stack trace (the engine and the
 * REST API log these exception types at DEBUG only).
 *
 * <p>The engine REST API answers them through {@code security.RefusalMapper}. Task completions and
 * form submissions refused by a listener (a guard on a task) are wrapped by the REST resources into
 * 500 "Cannot complete task &lt;id&gt;: ...", which Tasklist shows as it is; the filter below answers
 * those requests, on the engine REST API and on the webapps' API, with the refusal's status and
 * {@code {"type": ..., "message": sentence}}.
 */
public final class Refusal {

  private static final Logger LOG = LoggerFactory.getLogger(Refusal.class);
  private static final ThreadLocal<ProcessEngineException> REFUSED = new ThreadLocal<>();
  private static final ObjectMapper JSON = new ObjectMapper();

  private Refusal() {}

  /** Input that breaks a rule (form field, answer, path): HTTP 400. */
  public static InvalidInputException invalid(String user, String message) {
    String line = oneLine(message);
    LOG.warn("refused (invalid input) for {}: {}", user, line);
    return remember(new InvalidInputException(line));
  }

  /** An action the user may not take: HTTP 403. */
  public static ForbiddenActionException forbidden(String user, String message) {
    String line = oneLine(message);
    LOG.warn("refused (forbidden) for {}: {}", user, line);
    return remember(new ForbiddenActionException(line));
  }

  private static <E extends ProcessEngineException> E remember(E refusal) {
    REFUSED.set(refusal);
    return refusal;
  }

  private static String oneLine(String message) {
    return message.replaceAll("\\s*\\R\\s*", " ");
  }

  /** Invalid input; nothing was changed. */
  public static class InvalidInputException extends BadUserRequestException {
    InvalidInputException(String message) {
      super(message);
    }
  }

  /** A forbidden action; nothing was changed. */
  public static class ForbiddenActionException extends AuthorizationException {
    ForbiddenActionException(String message) {
      super(message);
    }
  }

  @Configuration
  static class Responses {

    @Bean
    FilterRegistrationBean<Filter> refusalResponses() {
      var registration = new FilterRegistrationBean<Filter>((request, response, chain) -> {
        HttpServletRequest http = (HttpServletRequest) request;
        String path = http.getRequestURI();
        if (!"POST".equals(http.getMethod()) || !(path.endsWith("/complete") || path.endsWith("/submit-form"))) {
          chain.doFilter(request, response);
          return;
        }
        HttpServletResponse original = (HttpServletResponse) response;
        ContentCachingResponseWrapper wrapper = new ContentCachingResponseWrapper(original);
        REFUSED.remove();
        try {
          chain.doFilter(request, wrapper);
          ProcessEngineException refused = REFUSED.get();
          if (refused != null && wrapper.getStatus() >= 400) {
            boolean forbidden = refused instanceof ForbiddenActionException;
            byte[] body = JSON.writeValueAsBytes(Map.of("type", forbidden ? "AuthorizationException" : "BadUserRequestException",
                "message", refused.getMessage()));
            wrapper.resetBuffer();
            original.setStatus(forbidden ? HttpServletResponse.SC_FORBIDDEN : HttpServletResponse.SC_BAD_REQUEST);
            original.setContentType("application/json");
            original.setCharacterEncoding(StandardCharsets.UTF_8.name());
            original.setContentLength(body.length);
            original.getOutputStream().write(body);
          } else {
            wrapper.copyBodyToResponse();
          }
        } finally {
          REFUSED.remove();
        }
      });
      registration.setName("refusal-responses");
      registration.addUrlPatterns("/engine-rest/*", "/camunda/api/*");
      return registration;
    }
  }
}
