package io.berth.http;

import java.io.InputStream;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One parsed HTTP/1.1 request. Header names are lower-cased; the body is a stream (already
 * de-chunked and bounded by Content-Length) because image imports and loads can be gigabytes.
 */
public final class HttpRequest {
  private final String method;
  private final String rawPath;
  private final Map<String, List<String>> query;
  private final Map<String, String> headers;
  private final InputStream body;
  private final Map<String, String> pathParams = new LinkedHashMap<>();
  private String path;

  public HttpRequest(String method, String target, Map<String, String> headers, InputStream body) {
    this.method = method;
    int q = target.indexOf('?');
    this.rawPath = q < 0 ? target : target.substring(0, q);
    this.path = decode(rawPath);
    this.query = parseQuery(q < 0 ? "" : target.substring(q + 1));
    this.headers = headers;
    this.body = body;
  }

  public String method() {
    return method;
  }

  /** The path as the client sent it, with any /vX.Y prefix (handlers that depend on the API version read it). */
  public String rawPath() {
    return rawPath;
  }

  /** Decoded path, after the router strips any /vX.Y prefix. */
  public String path() {
    return path;
  }

  /** Set by the router once a route matched: path parameters and the unversioned path. */
  public void bind(Map<String, String> params, String unversionedPath) {
    pathParams.clear();
    pathParams.putAll(params);
    this.path = unversionedPath;
  }

  public String header(String name) {
    return headers.get(name.toLowerCase(java.util.Locale.ROOT));
  }

  public InputStream body() {
    return body;
  }

  public String query(String name) {
    List<String> v = query.get(name);
    return v == null || v.isEmpty() ? null : v.getFirst();
  }

  public List<String> queryAll(String name) {
    return query.getOrDefault(name, List.of());
  }

  /** Docker's boolean query convention: 1/true/True set, 0/false/empty unset. */
  public boolean flag(String name) {
    String v = query(name);
    return v != null && (v.equals("1") || v.equalsIgnoreCase("true"));
  }

  public String param(String name) {
    return pathParams.get(name);
  }

  /** Wants the connection taken over (attach, exec start). */
  public boolean wantsUpgrade() {
    String u = header("upgrade");
    return u != null && u.equalsIgnoreCase("tcp");
  }

  private static Map<String, List<String>> parseQuery(String q) {
    Map<String, List<String>> out = new LinkedHashMap<>();
    if (q.isEmpty()) {
      return out;
    }
    for (String part : q.split("&")) {
      if (part.isEmpty()) {
        continue;
      }
      int eq = part.indexOf('=');
      String k = decode(eq < 0 ? part : part.substring(0, eq));
      String v = eq < 0 ? "" : decode(part.substring(eq + 1));
      out.computeIfAbsent(k, x -> new ArrayList<>()).add(v);
    }
    return out;
  }

  private static String decode(String s) {
    try {
      return URLDecoder.decode(s, StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      throw new BadRequestException("malformed URL encoding in " + s);
    }
  }
}
