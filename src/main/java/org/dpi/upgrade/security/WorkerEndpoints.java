package org.dpi.upgrade.security;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.regex.Pattern;
import org.camunda.bpm.engine.IdentityService;
import org.camunda.bpm.engine.impl.identity.Authentication;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * The worker account reaches only the REST endpoints of its work: fetch and lock, lock, extend,
 * complete, fail and BPMN error of external tasks, and the progress variables of its step. Every
 * other request of it is refused with 403 before the REST API sees it; the {@link CommandGate}
 * enforces the same in the engine.
 */
public class WorkerEndpoints extends OncePerRequestFilter {

  static final Pattern ALLOWED = Pattern.compile("POST /engine-rest/(external-task/fetchAndLock"
      + "|external-task/[^/]+/(lock|extendLock|complete|failure|bpmnError)|process-instance/[^/]+/variables)");

  private final IdentityService identity;

  public WorkerEndpoints(IdentityService identity) {
    this.identity = identity;
  }

  @Override
  protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
      throws ServletException, IOException {
    Authentication authentication = identity.getCurrentAuthentication();
    boolean worker = authentication != null && authentication.getGroupIds() != null
        && Caller.of(authentication).worker();
    String call = request.getMethod() + " " + request.getRequestURI().substring(request.getContextPath().length());
    if (worker && !ALLOWED.matcher(call).matches()) {
      response.setStatus(HttpServletResponse.SC_FORBIDDEN);
      response.setContentType("application/json");
      response.getWriter().write("{\"type\":\"ForbiddenActionException\",\"message\":\"" + authentication.getUserId()
          + " may only fetch, lock, extend, complete and fail external tasks.\"}");
      return;
    }
    chain.doFilter(request, response);
  }
}
