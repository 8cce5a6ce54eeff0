package io.berth.cluster.ca;

import io.berth.cluster.model.NodeRole;
import java.math.BigInteger;
import java.security.SecureRandom;

/**
 * The manager's side of a join (swarmkit's IssueNodeCertificate for a node without a
 * certificate): the token decides the role, the node gets a fresh id, and the CA signs the
 * node's CSR for that id and role. The token is checked first, so a stranger's CSR is never
 * parsed.
 */
public final class NodeAdmission {
  /** A node admitted to the cluster: its new id, its role and its first certificate. */
  public record Admitted(String nodeId, NodeRole role, NodeCertificate certificate) {}

  private NodeAdmission() {}

  public static Admitted admit(ClusterCa ca, JoinTokens tokens, String token, byte[] csrDer, SecureRandom random) {
    NodeRole role = tokens.admit(token, ca.digest());
    String nodeId = newNodeId(random);
    return new Admitted(nodeId, role, ca.issue(csrDer, nodeId, role));
  }

  /** A node id as swarmkit makes them: 128 random bits in 25 base-36 characters. */
  public static String newNodeId(SecureRandom random) {
    byte[] bits = new byte[16];
    random.nextBytes(bits);
    return Base36.encode(new BigInteger(1, bits), JoinToken.SECRET_CHARS);
  }
}
