package io.berth.cluster.raft;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The store's contents and the one piece of code that changes them. Raft requires every member to
 * reach the same state from the same log, so applying a batch depends only on the batch, the index
 * it was committed at and the state before it: no clock, no randomness, no iteration over hash
 * order. The in-memory store for unit tests runs the same code with a counter for the index.
 *
 * <p>It also keeps a bounded history of recent changes for the change feed; the history is not
 * part of the replicated state (a restarted member starts it afresh), which {@link ChangeBatch}
 * tells its readers.
 */
final class StoreState {
  private static final byte SNAPSHOT_FORMAT = 1;

  private final NavigableMap<String, StoredObject> objects = new TreeMap<>();
  private final ArrayDeque<Change> history = new ArrayDeque<>();
  private final int historyLimit;
  private long index;
  /** Every change after this index is in {@link #history}. */
  private long historyFloor;

  StoreState(int historyLimit) {
    if (historyLimit < 1) {
      throw new IllegalArgumentException("history limit must be positive: " + historyLimit);
    }
    this.historyLimit = historyLimit;
  }

  /** Applies {@code writes} at {@code atIndex} whole, or refuses them and changes nothing. */
  synchronized Outcome apply(long atIndex, List<Write> writes) {
    // stage on an overlay so a later write of the batch sees the earlier ones, and a refusal
    // leaves the state untouched
    Map<String, StoredObject> staged = new HashMap<>();
    Map<String, Boolean> deleted = new HashMap<>();
    List<Change> changes = new ArrayList<>(writes.size());
    List<StoredObject> written = new ArrayList<>(writes.size());
    for (Write w : writes) {
      String id = id(w.kind(), w.key());
      StoredObject current = deleted.containsKey(id) ? null : staged.getOrDefault(id, objects.get(id));
      String name = w.kind() + "/" + w.key();
      switch (w) {
        case Write.Create c -> {
          if (current != null) {
            return new Outcome.Refused(Outcome.Reason.EXISTS, "object already exists: " + name);
          }
          StoredObject o = new StoredObject(c.kind(), c.key(), atIndex, c.value());
          deleted.remove(id);
          staged.put(id, o);
          written.add(o);
          changes.add(new Change(atIndex, Change.Type.CREATE, o));
        }
        case Write.Update u -> {
          if (current == null) {
            return new Outcome.Refused(Outcome.Reason.NOT_FOUND, "object does not exist: " + name);
          }
          if (current.version() != u.version()) {
            return new Outcome.Refused(
                Outcome.Reason.OUT_OF_SEQUENCE,
                ClusterStore.OUT_OF_SEQUENCE + " (" + name + " is at version " + current.version()
                    + ", the update was made from version " + u.version() + ")");
          }
          StoredObject o = new StoredObject(u.kind(), u.key(), atIndex, u.value());
          staged.put(id, o);
          written.add(o);
          changes.add(new Change(atIndex, Change.Type.UPDATE, o));
        }
        case Write.Delete d -> {
          if (current == null) {
            return new Outcome.Refused(Outcome.Reason.NOT_FOUND, "object does not exist: " + name);
          }
          staged.remove(id);
          deleted.put(id, Boolean.TRUE);
          changes.add(new Change(atIndex, Change.Type.DELETE, current));
        }
      }
    }
    deleted.keySet().forEach(objects::remove);
    objects.putAll(staged);
    advance(atIndex);
    for (Change c : changes) {
      history.addLast(c);
      if (history.size() > historyLimit) {
        historyFloor = history.removeFirst().index();
      }
    }
    return new Outcome.Applied(written);
  }

  /** Moves the index for a log entry that is not a write (a membership change, a new term). */
  synchronized void advance(long atIndex) {
    if (atIndex > index) {
      index = atIndex;
      notifyAll();
    }
  }

  synchronized Optional<StoredObject> get(String kind, String key) {
    return Optional.ofNullable(objects.get(id(kind, key)));
  }

  synchronized List<StoredObject> list(String kind, String keyPrefix) {
    String from = id(kind, keyPrefix);
    List<StoredObject> out = new ArrayList<>();
    for (StoredObject o : objects.tailMap(from, true).values()) {
      if (!o.kind().equals(kind) || !o.key().startsWith(keyPrefix)) {
        break;
      }
      out.add(o);
    }
    return out;
  }

  synchronized long index() {
    return index;
  }

  synchronized ChangeBatch changesSince(long afterIndex) {
    if (afterIndex < historyFloor) {
      return new ChangeBatch(List.of(), index, false);
    }
    List<Change> out = new ArrayList<>();
    for (var it = history.descendingIterator(); it.hasNext(); ) {
      Change c = it.next();
      if (c.index() <= afterIndex) {
        break;
      }
      out.add(c);
    }
    return new ChangeBatch(out.reversed(), index, true);
  }

  synchronized long awaitIndex(long afterIndex, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (index <= afterIndex) {
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        break;
      }
      long millis = Math.max(1, left / 1_000_000);
      wait(millis);
    }
    return index;
  }

  /** Writes the objects and the index; the history is not part of a snapshot. */
  synchronized void writeSnapshot(DataOutputStream out) throws IOException {
    out.writeByte(SNAPSHOT_FORMAT);
    out.writeLong(index);
    out.writeInt(objects.size());
    for (StoredObject o : objects.values()) {
      out.writeUTF(o.kind());
      out.writeUTF(o.key());
      out.writeLong(o.version());
      byte[] v = o.value();
      out.writeInt(v.length);
      out.write(v);
    }
  }

  /** Replaces the state with a snapshot's; the change history starts afresh at its index. */
  synchronized void readSnapshot(DataInputStream in, String source) throws IOException {
    byte format = in.readByte();
    if (format != SNAPSHOT_FORMAT) {
      throw new IOException(source + ": unknown cluster store snapshot format " + format);
    }
    long at = in.readLong();
    int count = in.readInt();
    NavigableMap<String, StoredObject> read = new TreeMap<>();
    for (int i = 0; i < count; i++) {
      String kind = in.readUTF();
      String key = in.readUTF();
      long version = in.readLong();
      byte[] v = in.readNBytes(in.readInt());
      read.put(id(kind, key), new StoredObject(kind, key, version, v));
    }
    objects.clear();
    objects.putAll(read);
    history.clear();
    index = at;
    historyFloor = at;
    notifyAll();
  }

  /** Kind first, so one kind's objects are one range of the sorted map. */
  private static String id(String kind, String key) {
    return kind + "/" + key;
  }
}
