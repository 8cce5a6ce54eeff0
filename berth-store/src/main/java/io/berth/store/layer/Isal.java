package io.berth.store.layer;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;

/**
 * Intel's ISA-L deflate and inflate (Debian's libisal2, through the FFM API). Every pulled gzip
 * layer is inflated and every pushed one deflated, and on the bench's layers ISA-L inflates
 * four to five times and deflates five to six times faster than zlib, which the JDK uses (decision 0013).
 * The output is ordinary deflate, read by any gzip reader. {@link #available()} is false when the
 * library is missing or the JVM denies native access; callers then use java.util.zip.
 *
 * <p>The offsets are those of libisal.so.2's public structs (igzip_lib.h); the soname promises
 * that layout, and the round-trip tests would fail on another.
 */
final class Isal {
  private Isal() {}

  // struct isal_zstream
  static final long ZSTREAM_SIZE = 82384;
  static final long Z_NEXT_IN = 0;
  static final long Z_AVAIL_IN = 8;
  static final long Z_NEXT_OUT = 16;
  static final long Z_AVAIL_OUT = 24;
  static final long Z_LEVEL = 40;
  static final long Z_LEVEL_BUF_SIZE = 44;
  static final long Z_LEVEL_BUF = 48;
  static final long Z_END_OF_STREAM = 56;
  static final long Z_FLUSH = 58;
  static final long Z_GZIP_FLAG = 60;
  /** internal_state.state: ZSTATE_NEW_HDR after a completed flush, ZSTATE_END after the last block. */
  static final long Z_STATE = 84;
  static final int ZSTATE_NEW_HDR = 0;
  static final int ZSTATE_END = 11;
  /** ISAL_DEF_LVL1_DEFAULT: the level 1 work buffer. */
  static final int LEVEL1_BUF = 282624;
  static final short SYNC_FLUSH = 1;

  // struct inflate_state
  static final long INFLATE_STATE_SIZE = 87368;
  static final long I_NEXT_OUT = 0;
  static final long I_AVAIL_OUT = 8;
  static final long I_NEXT_IN = 16;
  static final long I_AVAIL_IN = 32;
  static final long I_BLOCK_STATE = 21160;
  static final long I_CRC_FLAG = 21172;
  static final int ISAL_GZIP = 1;
  static final int BLOCK_FINISH = 5;
  static final int INCORRECT_CHECKSUM = -6;

  /** The downcalls, or null when ISA-L cannot be used here. */
  record Handles(MethodHandle deflateInit, MethodHandle deflateSetDict, MethodHandle deflate,
      MethodHandle inflateInit, MethodHandle inflateReset, MethodHandle inflate) {}

  static final Handles H = load();
  /** Frees native memory of streams dropped without close. */
  static final java.lang.ref.Cleaner CLEANER = java.lang.ref.Cleaner.create();

  static boolean available() {
    return H != null && !Boolean.getBoolean("berth.noIsal");
  }

  private static Handles load() {
    try {
      if (!Isal.class.getModule().isNativeAccessEnabled()) {
        return null;
      }
      Linker linker = Linker.nativeLinker();
      SymbolLookup lib = SymbolLookup.libraryLookup("libisal.so.2", Arena.global());
      FunctionDescriptor onePointer = FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS);
      MethodHandle deflateInit = linker.downcallHandle(lib.findOrThrow("isal_deflate_init"),
          FunctionDescriptor.ofVoid(ValueLayout.ADDRESS));
      MethodHandle inflateInit = linker.downcallHandle(lib.findOrThrow("isal_inflate_init"),
          FunctionDescriptor.ofVoid(ValueLayout.ADDRESS));
      MethodHandle inflateReset = linker.downcallHandle(lib.findOrThrow("isal_inflate_reset"),
          FunctionDescriptor.ofVoid(ValueLayout.ADDRESS));
      return new Handles(deflateInit,
          linker.downcallHandle(lib.findOrThrow("isal_deflate_set_dict"), FunctionDescriptor.of(ValueLayout.JAVA_INT,
              ValueLayout.ADDRESS, ValueLayout.ADDRESS, ValueLayout.JAVA_INT)),
          linker.downcallHandle(lib.findOrThrow("isal_deflate"), onePointer),
          inflateInit, inflateReset,
          linker.downcallHandle(lib.findOrThrow("isal_inflate"), onePointer));
    } catch (Throwable e) {
      return null;
    }
  }

  static void call(MethodHandle h, MemorySegment state) {
    try {
      h.invokeExact(state);
    } catch (Throwable e) {
      throw new IllegalStateException("ISA-L call failed", e);
    }
  }

  static int callInt(MethodHandle h, MemorySegment state) {
    try {
      return (int) h.invokeExact(state);
    } catch (Throwable e) {
      throw new IllegalStateException("ISA-L call failed", e);
    }
  }
}
