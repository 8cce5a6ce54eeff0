package io.berth.cluster.raft;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

/**
 * The bytes of a log entry (a batch of writes) and of its reply (an {@link Outcome}). A fixed,
 * versioned layout written by hand: the log outlives the code that wrote it, so the format is
 * spelled out here rather than left to a serializer's defaults.
 */
final class CommandCodec {
  private static final byte FORMAT = 1;
  private static final byte CREATE = 1;
  private static final byte UPDATE = 2;
  private static final byte DELETE = 3;
  private static final byte APPLIED = 1;
  private static final byte REFUSED = 2;

  private CommandCodec() {}

  static byte[] encodeWrites(List<Write> writes) {
    return write(out -> {
      out.writeByte(FORMAT);
      out.writeInt(writes.size());
      for (Write w : writes) {
        switch (w) {
          case Write.Create c -> {
            out.writeByte(CREATE);
            names(out, c);
            bytes(out, c.value());
          }
          case Write.Update u -> {
            out.writeByte(UPDATE);
            names(out, u);
            out.writeLong(u.version());
            bytes(out, u.value());
          }
          case Write.Delete d -> {
            out.writeByte(DELETE);
            names(out, d);
          }
        }
      }
    });
  }

  static List<Write> decodeWrites(InputStream bytes) throws IOException {
    DataInputStream in = new DataInputStream(bytes);
    format(in, "log entry");
    int n = in.readInt();
    List<Write> writes = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      byte op = in.readByte();
      String kind = in.readUTF();
      String key = in.readUTF();
      writes.add(switch (op) {
        case CREATE -> new Write.Create(kind, key, bytes(in));
        case UPDATE -> {
          long version = in.readLong();
          yield new Write.Update(kind, key, version, bytes(in));
        }
        case DELETE -> new Write.Delete(kind, key);
        default -> throw new IOException("cluster store log entry: unknown write type " + op);
      });
    }
    return writes;
  }

  static byte[] encodeOutcome(Outcome outcome) {
    return write(out -> {
      out.writeByte(FORMAT);
      switch (outcome) {
        case Outcome.Applied a -> {
          out.writeByte(APPLIED);
          out.writeInt(a.objects().size());
          for (StoredObject o : a.objects()) {
            out.writeUTF(o.kind());
            out.writeUTF(o.key());
            out.writeLong(o.version());
            bytes(out, o.value());
          }
        }
        case Outcome.Refused r -> {
          out.writeByte(REFUSED);
          out.writeUTF(r.reason().name());
          out.writeUTF(r.message());
        }
      }
    });
  }

  static Outcome decodeOutcome(InputStream bytes) throws IOException {
    DataInputStream in = new DataInputStream(bytes);
    format(in, "reply");
    byte type = in.readByte();
    if (type == REFUSED) {
      return new Outcome.Refused(Outcome.Reason.valueOf(in.readUTF()), in.readUTF());
    }
    if (type != APPLIED) {
      throw new IOException("cluster store reply: unknown outcome type " + type);
    }
    int n = in.readInt();
    List<StoredObject> objects = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      String kind = in.readUTF();
      String key = in.readUTF();
      long version = in.readLong();
      objects.add(new StoredObject(kind, key, version, bytes(in)));
    }
    return new Outcome.Applied(objects);
  }

  private static void format(DataInputStream in, String what) throws IOException {
    byte f = in.readByte();
    if (f != FORMAT) {
      throw new IOException("cluster store " + what + ": unknown format " + f);
    }
  }

  private static void names(DataOutputStream out, Write w) throws IOException {
    out.writeUTF(w.kind());
    out.writeUTF(w.key());
  }

  private static void bytes(DataOutputStream out, byte[] b) throws IOException {
    out.writeInt(b.length);
    out.write(b);
  }

  private static byte[] bytes(DataInputStream in) throws IOException {
    int n = in.readInt();
    if (n < 0) {
      throw new IOException("cluster store: negative value length " + n);
    }
    return in.readNBytes(n);
  }

  private interface Body {
    void write(DataOutputStream out) throws IOException;
  }

  private static byte[] write(Body body) {
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    try (DataOutputStream out = new DataOutputStream(buf)) {
      body.write(out);
    } catch (IOException e) {
      throw new UncheckedIOException("encoding a cluster store message in memory", e);
    }
    return buf.toByteArray();
  }
}
