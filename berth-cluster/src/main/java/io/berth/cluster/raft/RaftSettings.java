package io.berth.cluster.raft;

import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.ratis.client.RaftClientConfigKeys;
import org.apache.ratis.conf.Parameters;
import org.apache.ratis.conf.RaftProperties;
import org.apache.ratis.grpc.GrpcConfigKeys;
import org.apache.ratis.server.RaftServerConfigKeys;
import org.apache.ratis.util.SizeInBytes;
import org.apache.ratis.util.TimeDuration;

/**
 * Turns a {@link RaftStoreConfig} into Ratis' properties and parameters, in one place, so the
 * server and the clients of a member agree on the transport and its TLS.
 */
final class RaftSettings {
  private RaftSettings() {}

  static RaftProperties server(RaftStoreConfig c) {
    RaftProperties p = new RaftProperties();
    RaftServerConfigKeys.setStorageDir(p, List.of(c.storageDir().toFile()));
    InetSocketAddress bind = address(c.self());
    GrpcConfigKeys.Server.setHost(p, bind.getHostString());
    GrpcConfigKeys.Server.setPort(p, bind.getPort());
    long election = c.electionTimeout().toMillis();
    RaftServerConfigKeys.Rpc.setTimeoutMin(p, TimeDuration.valueOf(election, TimeUnit.MILLISECONDS));
    RaftServerConfigKeys.Rpc.setTimeoutMax(p, TimeDuration.valueOf(2 * election, TimeUnit.MILLISECONDS));
    RaftServerConfigKeys.Rpc.setRequestTimeout(p, TimeDuration.valueOf(Math.max(3 * election, 3000), TimeUnit.MILLISECONDS));
    // the first election after a start need not wait a whole timeout: there is no leader to hear
    // from yet (swarm init waited ~2.5 s for its one-member group), and pre-vote keeps a member
    // that starts into a running group from disturbing its leader
    RaftServerConfigKeys.Rpc.setFirstElectionTimeoutMin(p, TimeDuration.valueOf(election / 5, TimeUnit.MILLISECONDS));
    RaftServerConfigKeys.Rpc.setFirstElectionTimeoutMax(p, TimeDuration.valueOf(election * 2 / 5, TimeUnit.MILLISECONDS));
    // a leader cut off from the majority steps down instead of accepting writes it cannot commit
    RaftServerConfigKeys.LeaderElection.setLeaderStepDownWaitTime(
        p, TimeDuration.valueOf(2 * election, TimeUnit.MILLISECONDS));
    RaftServerConfigKeys.Snapshot.setAutoTriggerEnabled(p, true);
    RaftServerConfigKeys.Snapshot.setAutoTriggerThreshold(p, c.snapshotEvery());
    RaftServerConfigKeys.Snapshot.setRetentionFileNum(p, 2);
    RaftServerConfigKeys.Log.setPurgeUptoSnapshotIndex(p, true);
    RaftServerConfigKeys.Log.setPurgeGap(p, (int) Math.min(Integer.MAX_VALUE, c.snapshotEvery()));
    // segments roll often enough that the purge after a snapshot frees something
    SizeInBytes segment = SizeInBytes.valueOf(Math.clamp(c.snapshotEvery() * 256, 8 << 10, 8 << 20));
    RaftServerConfigKeys.Log.setSegmentSizeMax(p, segment);
    return p;
  }

  static RaftProperties client(RaftStoreConfig c, long requestTimeoutMillis) {
    RaftProperties p = new RaftProperties();
    RaftClientConfigKeys.Rpc.setRequestTimeout(p, TimeDuration.valueOf(requestTimeoutMillis, TimeUnit.MILLISECONDS));
    return p;
  }

  /** TLS for every side of the transport: peers, clients and the admin service. */
  static Parameters parameters(RaftStoreConfig c) {
    Parameters params = new Parameters();
    c.tls().ifPresent(t -> {
      var grpc = t.grpc();
      GrpcConfigKeys.Server.setTlsConf(params, grpc);
      GrpcConfigKeys.Client.setTlsConf(params, grpc);
      GrpcConfigKeys.Admin.setTlsConf(params, grpc);
    });
    return params;
  }

  static InetSocketAddress address(RaftMember m) {
    int colon = m.address().lastIndexOf(':');
    String host = m.address().substring(0, colon);
    if (host.startsWith("[") && host.endsWith("]")) {
      host = host.substring(1, host.length() - 1);
    }
    return InetSocketAddress.createUnresolved(host, Integer.parseInt(m.address().substring(colon + 1)));
  }
}
