package io.berth.cluster.raft;

/**
 * One object's change at one store index, as the change feed hands it out. A deleted object is
 * given with its last stored value and version.
 */
public record Change(long index, Type type, StoredObject object) {
  public enum Type {
    CREATE,
    UPDATE,
    DELETE
  }
}
