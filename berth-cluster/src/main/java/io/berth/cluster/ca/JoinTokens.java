package io.berth.cluster.ca;

import io.berth.cluster.model.NodeRole;
import io.berth.errdefs.InvalidArgumentException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;

/**
 * The cluster's two current join tokens, one per role. Rotating replaces one token, so the old
 * text is refused from that moment; changing the root (after a CA rotation) regenerates both,
 * because their digest no longer names the root. Tokens are compared in constant time.
 */
public record JoinTokens(JoinToken worker, JoinToken manager) {
  /** Docker's answer to a token that is well-formed but not one of the cluster's. */
  public static final String INVALID = "A valid join token is necessary to join this cluster";

  /** Fresh worker and manager tokens for the CA whose digest is {@code caDigest}. */
  public static JoinTokens generate(String caDigest, SecureRandom random) {
    return new JoinTokens(JoinToken.generate(caDigest, random), JoinToken.generate(caDigest, random));
  }

  /** These tokens with a new one for {@code role}; the previous token of that role stops working. */
  public JoinTokens rotate(NodeRole role, SecureRandom random) {
    return role == NodeRole.WORKER
        ? new JoinTokens(JoinToken.generate(worker.caDigest(), random), manager)
        : new JoinTokens(worker, JoinToken.generate(manager.caDigest(), random));
  }

  public JoinToken of(NodeRole role) {
    return role == NodeRole.WORKER ? worker : manager;
  }

  /**
   * The role a presented token admits to this cluster, whose root has digest {@code caDigest}: a
   * malformed token, a token for another CA, or one that is not (or no longer) current is refused,
   * saying which.
   */
  public NodeRole admit(String presented, String caDigest) {
    JoinToken token = JoinToken.parse(presented);
    if (!token.caDigest().equals(caDigest)) {
      throw new InvalidArgumentException(INVALID + ": the token names CA " + token.caDigest()
          + " but this cluster's CA is " + caDigest + " (a token of another cluster, or from before a CA rotation)");
    }
    byte[] text = token.render().getBytes(StandardCharsets.US_ASCII);
    boolean isManager = MessageDigest.isEqual(text, manager.render().getBytes(StandardCharsets.US_ASCII));
    boolean isWorker = MessageDigest.isEqual(text, worker.render().getBytes(StandardCharsets.US_ASCII));
    if (isManager) {
      return NodeRole.MANAGER;
    }
    if (isWorker) {
      return NodeRole.WORKER;
    }
    throw new InvalidArgumentException(INVALID + " (the token's secret is not current; it may have been rotated)");
  }
}
