package io.berth.daemon.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.berth.daemon.dashboard.TokenStore;
import io.berth.errdefs.InvalidArgumentException;
import io.berth.http.HttpRequest;
import io.berth.http.HttpResponse;
import java.io.IOException;
import java.util.Iterator;

/**
 * {@code /berth/dashboard/tokens}: Berth's own endpoint behind {@code berth dashboard token
 * [--read-only]|ls|rm}. Only a client of the Engine API (root's equal) may make dashboard tokens,
 * so they are made here and never on the dashboard's listener. The secret is in the answer to the
 * POST and nowhere else.
 */
public final class DashboardTokenRoutes {
  private final TokenStore tokens;

  public DashboardTokenRoutes(TokenStore tokens) {
    this.tokens = tokens;
  }

  public void register(Router r) {
    r.add("POST", "/berth/dashboard/tokens", this::create);
    r.add("GET", "/berth/dashboard/tokens", this::list);
    r.add("DELETE", "/berth/dashboard/tokens/{id}", (q, s) -> {
      tokens.revoke(q.param("id"));
      s.send(204, null, new byte[0]);
    });
  }

  private void create(HttpRequest q, HttpResponse s) throws IOException {
    ObjectNode body = Json.body(q);
    for (Iterator<String> it = body.fieldNames(); it.hasNext(); ) {
      String field = it.next();
      if (!field.equals("ReadOnly")) {
        throw new InvalidArgumentException("unknown field " + field + " in a dashboard token request (ReadOnly only)");
      }
    }
    JsonNode ro = body.path("ReadOnly");
    if (!ro.isMissingNode() && !ro.isBoolean()) {
      throw new InvalidArgumentException("invalid ReadOnly " + ro + ": expected true or false");
    }
    TokenStore.Issued issued = tokens.issue(ro.asBoolean(false));
    Json.send(s, 201, Json.object().put("ID", issued.info().id()).put("Token", issued.secret())
        .put("ReadOnly", issued.info().readOnly()));
  }

  private void list(HttpRequest q, HttpResponse s) {
    ArrayNode out = Json.array();
    for (TokenStore.TokenInfo t : tokens.list()) {
      out.addObject().put("ID", t.id()).put("ReadOnly", t.readOnly()).put("Created", t.created().toString());
    }
    Json.send(s, 200, out);
  }
}
