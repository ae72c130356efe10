package io.dropwise.gateway.internal;

import java.io.IOException;

import org.osgi.service.component.annotations.Component;
import org.osgi.service.servlet.whiteboard.HttpWhiteboardConstants;

import jakarta.servlet.RequestDispatcher;
import jakarta.servlet.Servlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

/**
 * The error page of the default HTTP context: when the HTTP service itself answers an error (no
 * servlet for the path, a path it will not normalise, a failure inside another servlet such as the
 * health endpoint's), the body is an RFC 9457 problem like every answer of the APIs, never an HTML
 * page or a stack trace. The answers the API handlers write themselves are not errors sent this way
 * and never reach it.
 */
@Component(service = Servlet.class, property = {
        HttpWhiteboardConstants.HTTP_WHITEBOARD_SERVLET_ERROR_PAGE + "=4xx",
        HttpWhiteboardConstants.HTTP_WHITEBOARD_SERVLET_ERROR_PAGE + "=5xx",
        HttpWhiteboardConstants.HTTP_WHITEBOARD_SERVLET_NAME + "=dropwise-problem-error-page"
})
public final class ProblemErrorPage extends HttpServlet {

    private static final long serialVersionUID = 1L;

    @Override
    protected void service(HttpServletRequest request, HttpServletResponse response) throws IOException {
        Object code = request.getAttribute(RequestDispatcher.ERROR_STATUS_CODE);
        int status = code instanceof Integer i ? i : response.getStatus() >= 400 ? response.getStatus() : 500;
        Object uri = request.getAttribute(RequestDispatcher.ERROR_REQUEST_URI);
        String[] kind = ProblemResponses.kind(status);
        String detail = switch (status) {
            case 404 -> "There is nothing at this path. The APIs are under /api/v1 and /admin/v1 (see /api/v1/openapi.json).";
            case 405 -> "This path does not take this method.";
            case 400 -> "The request is malformed (its path, query or headers).";
            default -> status >= 500 ? "The server could not answer; the operators can find the cause in the log." : kind[1] + ".";
        };
        response.reset();
        ProblemResponses.write(response, status, kind[0], kind[1], detail, uri == null ? null : String.valueOf(uri));
    }
}
