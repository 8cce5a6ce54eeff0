package io.berth.oci;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.lang.ref.Cleaner;
import java.security.MessageDigest;

/**
 * SHA-256 by the host's OpenSSL (libcrypto.so.3, through the FFM API). berthd runs its JIT at C1
 * only, for a small footprint and quick warm-up (decision 0012), and C1 does not use the CPU's
 * SHA instructions the way C2 does: the JDK's SHA-256 then hashes ~110 MB/s, OpenSSL ~1.5 GB/s,
 * and every layer byte of a load, pull or push is hashed once or twice. Used when libcrypto is
 * there and the JVM allows native access; {@link #create()} returns null otherwise and callers
 * use the JDK's.
 */
final class NativeSha256 extends MessageDigest {
  private static final Cleaner CLEANER = Cleaner.create();
  private static final Handles H = Handles.load();

  /** The downcalls, or null when libcrypto cannot be used here. */
  private record Handles(MethodHandle ctxNew, MethodHandle ctxFree, MethodHandle init, MethodHandle update,
      MethodHandle fin, MemorySegment sha256) {
    static Handles load() {
      try {
        if (!NativeSha256.class.getModule().isNativeAccessEnabled()) {
          return null; // e.g. inside Maven: no warnings about restricted methods
        }
        Linker linker = Linker.nativeLinker();
        SymbolLookup crypto = SymbolLookup.libraryLookup("libcrypto.so.3", Arena.global());
        MethodHandle evpSha256 = linker.downcallHandle(crypto.findOrThrow("EVP_sha256"),
            FunctionDescriptor.of(ValueLayout.ADDRESS));
        return new Handles(
            linker.downcallHandle(crypto.findOrThrow("EVP_MD_CTX_new"), FunctionDescriptor.of(ValueLayout.ADDRESS)),
            linker.downcallHandle(crypto.findOrThrow("EVP_MD_CTX_free"), FunctionDescriptor.ofVoid(ValueLayout.ADDRESS)),
            linker.downcallHandle(crypto.findOrThrow("EVP_DigestInit_ex"),
                FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.ADDRESS, ValueLayout.ADDRESS)),
            // critical: the byte[] is passed in place, no copy to native memory per update
            linker.downcallHandle(crypto.findOrThrow("EVP_DigestUpdate"),
                FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.ADDRESS, ValueLayout.JAVA_LONG),
                Linker.Option.critical(true)),
            linker.downcallHandle(crypto.findOrThrow("EVP_DigestFinal_ex"),
                FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.ADDRESS, ValueLayout.ADDRESS),
                Linker.Option.critical(true)),
            (MemorySegment) evpSha256.invokeExact());
      } catch (Throwable e) {
        return null;
      }
    }
  }

  private final MemorySegment ctx;
  private final byte[] one = new byte[1];

  private NativeSha256(MemorySegment ctx) {
    super("SHA-256");
    this.ctx = ctx;
    MethodHandle free = H.ctxFree();
    CLEANER.register(this, () -> {
      try {
        free.invokeExact(ctx);
      } catch (Throwable ignored) {
        // nothing to do about a failed free
      }
    });
    engineReset();
  }

  /** A fresh SHA-256 digest on OpenSSL, or null when that is not available. */
  static MessageDigest create() {
    if (H == null) {
      return null;
    }
    try {
      MemorySegment ctx = (MemorySegment) H.ctxNew().invokeExact();
      return ctx.equals(MemorySegment.NULL) ? null : new NativeSha256(ctx);
    } catch (Throwable e) {
      return null;
    }
  }

  @Override
  protected void engineUpdate(byte input) {
    one[0] = input;
    engineUpdate(one, 0, 1);
  }

  @Override
  protected void engineUpdate(byte[] input, int offset, int len) {
    if (len == 0) {
      return;
    }
    check(invokeUpdate(MemorySegment.ofArray(input).asSlice(offset, len), len), "EVP_DigestUpdate");
  }

  private int invokeUpdate(MemorySegment data, long len) {
    try {
      return (int) H.update().invokeExact(ctx, data, len);
    } catch (Throwable e) {
      throw new IllegalStateException("EVP_DigestUpdate", e);
    }
  }

  @Override
  protected byte[] engineDigest() {
    byte[] out = new byte[32];
    try {
      check((int) H.fin().invokeExact(ctx, MemorySegment.ofArray(out), MemorySegment.NULL), "EVP_DigestFinal_ex");
    } catch (IllegalStateException e) {
      throw e;
    } catch (Throwable e) {
      throw new IllegalStateException("EVP_DigestFinal_ex", e);
    }
    engineReset(); // as MessageDigest.digest() promises
    return out;
  }

  @Override
  protected void engineReset() {
    try {
      check((int) H.init().invokeExact(ctx, H.sha256(), MemorySegment.NULL), "EVP_DigestInit_ex");
    } catch (IllegalStateException e) {
      throw e;
    } catch (Throwable e) {
      throw new IllegalStateException("EVP_DigestInit_ex", e);
    }
  }

  @Override
  protected int engineGetDigestLength() {
    return 32;
  }

  private static void check(int ok, String call) {
    if (ok != 1) {
      throw new IllegalStateException(call + " failed");
    }
  }
}
