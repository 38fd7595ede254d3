package org.restcomm.lb.algorithm;

/** What an algorithm may read of an HTTP request. */
public interface HttpRequestView {

    String method();

    /** The request path without the query string. */
    String path();

    /** The first value of a query parameter; null when absent. */
    String queryParameter(String name);

    /** The value of a cookie; null when absent. */
    String cookie(String name);

    /** The first value of a header; null when absent. */
    String header(String name);
}
