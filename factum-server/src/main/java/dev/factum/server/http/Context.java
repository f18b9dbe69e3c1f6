package dev.factum.server.http;

import com.sun.net.httpserver.Authenticator;
import com.sun.net.httpserver.Filter;
import com.sun.net.httpserver.HttpContext;
import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpServer;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A path prefix and its handler. Filters run as with the JDK server; an {@link Authenticator} is
 * not supported (Factum authenticates in its handler) and setting one is refused rather than
 * silently ignored.
 */
final class Context extends HttpContext {
  private final String path;
  private final HttpServer server;
  private final Map<String, Object> attributes = new ConcurrentHashMap<>();
  private final List<Filter> filters = new CopyOnWriteArrayList<>();
  private volatile HttpHandler handler;

  Context(String path, HttpHandler handler, HttpServer server) {
    this.path = path;
    this.handler = handler;
    this.server = server;
  }

  @Override
  public HttpHandler getHandler() {
    return handler;
  }

  @Override
  public void setHandler(HttpHandler newHandler) {
    if (newHandler == null) {
      throw new NullPointerException("handler");
    }
    if (handler != null) {
      throw new IllegalArgumentException("handler already set");
    }
    handler = newHandler;
  }

  @Override
  public String getPath() {
    return path;
  }

  @Override
  public HttpServer getServer() {
    return server;
  }

  @Override
  public Map<String, Object> getAttributes() {
    return attributes;
  }

  @Override
  public List<Filter> getFilters() {
    return filters;
  }

  @Override
  public Authenticator setAuthenticator(Authenticator auth) {
    throw new UnsupportedOperationException("authenticators are not supported");
  }

  @Override
  public Authenticator getAuthenticator() {
    return null;
  }
}
