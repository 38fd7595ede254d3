package org.restcomm.lb.http;

import java.util.ArrayList;
import java.util.List;

import io.undertow.Handlers;
import io.undertow.server.HttpHandler;
import io.undertow.server.handlers.builder.PredicatedHandler;
import io.undertow.server.handlers.builder.PredicatedHandlersParser;

/**
 * URL rewriting before a request is balanced (the original's urlrewrite rules), in Undertow's own predicate and
 * handler language, one rule an entry: {@code regex('^/someCompany/(.*)') -> rewrite('/restcomm/${1}')},
 * {@code path-prefix('/old') -> redirect('/new')}. Rules run in order, each on what the rules before it left.
 */
public final class RewriteRules {

    private final List<String> rules;
    private final List<PredicatedHandler> handlers;

    private RewriteRules(List<String> rules, List<PredicatedHandler> handlers) {
        this.rules = rules;
        this.handlers = handlers;
    }

    public static final RewriteRules NONE = new RewriteRules(List.of(), List.of());

    /** Parses every rule; one that Undertow cannot read is refused naming its position and Undertow's reason. */
    public static RewriteRules parse(List<String> rules) {
        if (rules.isEmpty()) {
            return NONE;
        }
        List<PredicatedHandler> handlers = new ArrayList<>();
        for (int i = 0; i < rules.size(); i++) {
            try {
                // the builders of rewrite(), redirect(), path-prefix() ... are services of Undertow's own jar
                handlers.addAll(PredicatedHandlersParser.parse(rules.get(i), PredicatedHandlersParser.class.getClassLoader()));
            } catch (RuntimeException e) {
                throw new IllegalArgumentException("rule " + (i + 1) + " '" + rules.get(i) + "' is not an Undertow predicate/handler expression: " + e.getMessage(), e);
            }
        }
        return new RewriteRules(List.copyOf(rules), List.copyOf(handlers));
    }

    public List<String> rules() {
        return this.rules;
    }

    /** The handler that applies the rules, then hands the request on. */
    HttpHandler wrap(HttpHandler next) {
        return this.handlers.isEmpty() ? next : Handlers.predicates(this.handlers, next);
    }
}
