package org.dpi.upgrade.process;

import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.servlet.Filter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.camunda.bpm.engine.BadUserRequestException;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.util.ContentCachingResponseWrapper;

/**
 * A person's request refused by a rule of the process (a guard on a task), answered over REST as 400
 * with the rule's sentence alone. The engine's REST resources turn any exception of a task completion
 * into 500 "Cannot complete task &lt;id&gt;: ..." (Tasklist shows that text as it is); the filter below
 * answers a task completion or form submission (engine REST and the webapps' API) that a guard refused
 * through {@link #refuse} with status 400 and {@code {"type": "BadUserRequestException", "message": sentence}}.
 */
public final class Refusal {

  private static final ThreadLocal<String> REFUSED = new ThreadLocal<>();
  private static final ObjectMapper JSON = new ObjectMapper();

  private Refusal() { }

  /** The exception a guard throws to refuse with {@code sentence}; recorded for the REST answer of this request. */
  public static BadUserRequestException refuse(String sentence) {
    REFUSED.set(sentence);
    return new BadUserRequestException(sentence);
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
          String sentence = REFUSED.get();
          if (sentence != null && wrapper.getStatus() >= 400) {
            byte[] body = JSON.writeValueAsBytes(Map.of("type", "BadUserRequestException", "message", sentence));
            wrapper.resetBuffer();
            original.setStatus(HttpServletResponse.SC_BAD_REQUEST);
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
