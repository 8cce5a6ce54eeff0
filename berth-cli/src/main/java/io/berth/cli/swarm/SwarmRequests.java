package io.berth.cli.swarm;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.berth.cli.commands.Base;

/**
 * The bodies of {@code POST /swarm/init} and {@code /swarm/join} as docker's CLI sends them:
 * every field, the init Spec with its empty sections, so berthd sees the same request from
 * {@code berth swarm}, {@code docker swarm} and {@code berth lab up}.
 */
public final class SwarmRequests {
  private SwarmRequests() {}

  /** {@code listenAddr} already in {@code host:port} form; an empty availability leaves the daemon's default. */
  public static ObjectNode init(String listenAddr, String advertiseAddr, boolean autolock, String availability) {
    ObjectNode b = Base.obj();
    b.put("ListenAddr", listenAddr);
    b.put("AdvertiseAddr", advertiseAddr);
    b.put("DataPathAddr", "");
    b.put("DataPathPort", 0);
    b.put("ForceNewCluster", false);
    ObjectNode spec = b.putObject("Spec");
    spec.putNull("Labels");
    spec.putObject("Orchestration");
    spec.putObject("Raft").put("ElectionTick", 0).put("HeartbeatTick", 0);
    spec.putObject("Dispatcher");
    spec.putObject("CAConfig");
    spec.putObject("TaskDefaults");
    spec.putObject("EncryptionConfig").put("AutoLockManagers", autolock);
    b.put("AutoLockManagers", autolock);
    b.put("Availability", availability);
    b.putNull("DefaultAddrPool");
    b.put("SubnetSize", 24);
    return b;
  }

  public static ObjectNode join(String listenAddr, String advertiseAddr, String remote, String token, String availability) {
    ObjectNode b = Base.obj();
    b.put("ListenAddr", listenAddr);
    b.put("AdvertiseAddr", advertiseAddr);
    b.put("DataPathAddr", "");
    b.putArray("RemoteAddrs").add(remote);
    b.put("JoinToken", token);
    b.put("Availability", availability);
    return b;
  }
}
