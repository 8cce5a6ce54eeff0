package io.berth.daemon.dashboard;

import io.berth.http.HttpResponse;
import java.nio.charset.StandardCharsets;

/**
 * The login form: one field, {@code token}, posted to {@code /login}. Rendered here rather than by
 * the app so that a browser without a session sees a form at once, with no script and no data;
 * styled by the app's stylesheet ({@code main.login}). A failed login shows the form again with
 * one line saying so, and nothing else.
 */
final class LoginPage {
  private LoginPage() {}

  static void send(HttpResponse s, int status, boolean failed) {
    String html = """
        <!doctype html>
        <html lang="en">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <title>Berth dashboard: log in</title>
        <link rel="icon" href="/assets/berth.svg" type="image/svg+xml">
        <link rel="stylesheet" href="/assets/css/app.css">
        </head>
        <body>
        <main class="login">
        <h1>Berth dashboard</h1>
        <form method="post" action="/login">
        <label for="token">Token</label>
        <input id="token" name="token" type="password" autocomplete="off" autofocus required>
        %s<button type="submit">Log in</button>
        </form>
        <p class="hint">Get a token with <code>berth dashboard token</code> (add <code>--read-only</code> to only look).</p>
        </main>
        </body>
        </html>
        """.formatted(failed ? "<p class=\"error\" role=\"alert\">That token is not valid (wrong, or revoked).</p>\n" : "");
    s.header("Cache-Control", "no-store");
    s.send(status, "text/html; charset=utf-8", html.getBytes(StandardCharsets.UTF_8));
  }
}
