package org.restcomm.lb.test;

import java.io.IOException;

import jakarta.servlet.annotation.WebServlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpSession;

/**
 * The web app RealNodesTestCase deploys to its node servers: answers {@code <jboss.node.name>:<count>} with a counter
 * kept in the HTTP session, or {@code <jboss.node.name>:appsession=<value>} without touching any session when the
 * request carries the {@code appsession} query parameter.
 */
@WebServlet("/count")
public class SessionCounterServlet extends HttpServlet {

    private static final long serialVersionUID = 1L;

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        String node = System.getProperty("jboss.node.name");
        String appSession = request.getParameter("appsession");
        String body;
        if (appSession != null) {
            body = node + ":appsession=" + appSession;
        } else {
            HttpSession session = request.getSession(true);
            Integer previous = (Integer) session.getAttribute("count");
            int count = (previous == null) ? 1 : previous + 1;
            session.setAttribute("count", count);
            body = node + ":" + count;
        }
        response.setContentType("text/plain");
        response.getWriter().write(body);
    }
}
