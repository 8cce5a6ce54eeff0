package io.berth.cluster.raft;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.apache.ratis.proto.RaftProtos.LogEntryProto;
import org.apache.ratis.protocol.Message;
import org.apache.ratis.protocol.RaftGroupId;
import org.apache.ratis.server.RaftServer;
import org.apache.ratis.server.protocol.TermIndex;
import org.apache.ratis.server.raftlog.RaftLog;
import org.apache.ratis.server.storage.FileInfo;
import org.apache.ratis.server.storage.RaftStorage;
import org.apache.ratis.statemachine.StateMachineStorage;
import org.apache.ratis.statemachine.TransactionContext;
import org.apache.ratis.statemachine.impl.BaseStateMachine;
import org.apache.ratis.statemachine.impl.SimpleStateMachineStorage;
import org.apache.ratis.statemachine.impl.SingleFileSnapshotInfo;
import org.apache.ratis.util.LifeCycle;
import org.apache.ratis.util.MD5FileUtil;

/**
 * The Ratis state machine over {@link StoreState}: applies each committed batch at its log index,
 * writes a snapshot file into the group's storage directory when Ratis asks (so the log before it
 * can be purged) and loads the newest one at start and after a snapshot is installed from the
 * leader. Ratis calls apply and snapshot from one thread, in log order.
 */
final class ClusterStateMachine extends BaseStateMachine {
  private final SimpleStateMachineStorage storage = new SimpleStateMachineStorage();
  private final StoreState state;
  private final java.util.concurrent.atomic.AtomicLong leaderChanges = new java.util.concurrent.atomic.AtomicLong();

  ClusterStateMachine(StoreState state) {
    this.state = state;
  }

  @Override
  public void initialize(RaftServer server, RaftGroupId groupId, RaftStorage raftStorage)
      throws IOException {
    getLifeCycle().startAndTransition(() -> {
      super.initialize(server, groupId, raftStorage);
      storage.init(raftStorage);
      load(storage.loadLatestSnapshot());
    });
  }

  /** Ratis pauses the state machine before it installs a snapshot sent by the leader. */
  @Override
  public synchronized void pause() {
    if (getLifeCycle().getCurrentState() == LifeCycle.State.RUNNING) {
      getLifeCycle().transition(LifeCycle.State.PAUSING);
      getLifeCycle().transition(LifeCycle.State.PAUSED);
    }
  }

  /** After a snapshot install: the state is the installed snapshot's, then the log after it. */
  @Override
  public synchronized void reinitialize() throws IOException {
    LifeCycle.State current = getLifeCycle().getCurrentState();
    if (current == LifeCycle.State.STARTING || current == LifeCycle.State.RUNNING) {
      return;
    }
    load(storage.loadLatestSnapshot());
    if (current == LifeCycle.State.PAUSED) {
      getLifeCycle().transition(LifeCycle.State.STARTING);
      getLifeCycle().transition(LifeCycle.State.RUNNING);
    }
  }

  @Override
  public StateMachineStorage getStateMachineStorage() {
    return storage;
  }

  @Override
  public CompletableFuture<Message> applyTransaction(TransactionContext trx) {
    LogEntryProto entry = trx.getLogEntry();
    try {
      List<Write> writes =
          CommandCodec.decodeWrites(entry.getStateMachineLogEntry().getLogData().newInput());
      Outcome outcome;
      synchronized (state) {
        outcome = state.apply(entry.getIndex(), writes);
        updateLastAppliedTermIndex(entry.getTerm(), entry.getIndex());
      }
      return CompletableFuture.completedFuture(
          Message.valueOf(org.apache.ratis.thirdparty.com.google.protobuf.ByteString.copyFrom(
              CommandCodec.encodeOutcome(outcome))));
    } catch (IOException e) {
      // an entry this code cannot read was written by other code: stop rather than diverge
      return CompletableFuture.failedFuture(
          new IOException("cluster store: log entry " + entry.getIndex() + " unreadable", e));
    }
  }

  /**
   * The only read-only query: the index this member has applied, which a follower's read barrier
   * ({@link RaftClusterStore#sync}) asks of the leader. Its content is ignored.
   */
  @Override
  public CompletableFuture<Message> query(Message request) {
    return CompletableFuture.completedFuture(Message.valueOf(Long.toString(state.index())));
  }

  /** Ratis tells every member when it learns of a new leader: counted for metrics. */
  @Override
  public void notifyLeaderChanged(org.apache.ratis.protocol.RaftGroupMemberId member,
      org.apache.ratis.protocol.RaftPeerId newLeader) {
    if (newLeader != null) {
      leaderChanges.incrementAndGet();
    }
  }

  long leaderChanges() {
    return leaderChanges.get();
  }

  @Override
  public void notifyTermIndexUpdated(long term, long index) {
    synchronized (state) {
      super.notifyTermIndexUpdated(term, index);
      state.advance(index);
    }
  }

  @Override
  public long takeSnapshot() throws IOException {
    TermIndex last;
    Path tmp;
    synchronized (state) {
      last = getLastAppliedTermIndex();
      if (last == null || last.getIndex() < 0) {
        return RaftLog.INVALID_LOG_INDEX;
      }
      File file = storage.getSnapshotFile(last.getTerm(), last.getIndex());
      tmp = file.toPath().resolveSibling(file.getName() + ".tmp");
      try (OutputStream f = Files.newOutputStream(tmp);
          DataOutputStream out = new DataOutputStream(new BufferedOutputStream(f))) {
        state.writeSnapshot(out);
      }
    }
    File file = storage.getSnapshotFile(last.getTerm(), last.getIndex());
    Files.move(tmp, file.toPath(), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    var md5 = MD5FileUtil.computeAndSaveMd5ForFile(file);
    storage.updateLatestSnapshot(new SingleFileSnapshotInfo(new FileInfo(file.toPath(), md5), last));
    return last.getIndex();
  }

  private void load(SingleFileSnapshotInfo snapshot) throws IOException {
    if (snapshot == null) {
      return;
    }
    Path file = snapshot.getFile().getPath();
    var expected = snapshot.getFile().getFileDigest();
    if (expected != null) {
      MD5FileUtil.verifySavedMD5(file.toFile(), expected);
    }
    synchronized (state) {
      try (InputStream f = Files.newInputStream(file);
          DataInputStream in = new DataInputStream(new BufferedInputStream(f))) {
        state.readSnapshot(in, file.toString());
      }
      setLastAppliedTermIndex(snapshot.getTermIndex());
    }
  }
}
