package org.restcomm.lb.http;

import java.util.List;

import io.undertow.Handlers;
import io.undertow.server.HttpHandler;
import io.undertow.server.handlers.builder.PredicatedHandler;
import io.undertow.server.handlers.builder.PredicatedHandlersParser;

/**
 * URL rewriting in front of the proxy (the original's urlrewrite rules), written in Undertow's predicate language:
 * {@code path-prefix('/old') -> rewrite('/new${remaining}')}, {@code regex('/a/(.*)') -> redirect('/b/${1}')}.
 * Parsed by Undertow's own parser, once, when the settings are made.
 */
public final class RewriteRules {

    public static final RewriteRules NONE = new RewriteRules(List.of(), List.of());

    private final List<String> expressions;
    private final List<PredicatedHandler> handlers;

    private RewriteRules(List<String> expressions, List<PredicatedHandler> handlers) {
        this.expressions = expressions;
        this.handlers = handlers;
    }

    /** Rules in the order given; IllegalArgumentException, with Undertow's reason, for one that does not parse. */
    public static RewriteRules parse(List<String> expressions) {
        if (expressions.isEmpty()) {
            return NONE;
        }
        for (String expression : expressions) {
            parseOne(expression);
        }
        // one text: a rule may end the chain (redirect, response-code) before the rules after it run
        return new RewriteRules(List.copyOf(expressions), parseOne(String.join("\n", expressions)));
    }

    private static List<PredicatedHandler> parseOne(String expression) {
        try {
            return PredicatedHandlersParser.parse(expression, PredicatedHandlersParser.class.getClassLoader());
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("'" + expression + "' is not an Undertow predicate/handler expression: " + e.getMessage(), e);
        }
    }

    public List<String> expressions() {
        return this.expressions;
    }

    /** The rules, then next; next itself when there are none. */
    HttpHandler wrap(HttpHandler next) {
        return this.handlers.isEmpty() ? next : Handlers.predicates(this.handlers, next);
    }
}
