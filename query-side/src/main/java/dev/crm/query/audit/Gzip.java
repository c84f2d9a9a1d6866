package dev.crm.query.audit;

import com.intel.gkl.compression.IntelDeflater;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.zip.CRC32;
import java.util.zip.Deflater;
import java.util.zip.GZIPOutputStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Compresses a block of bytes into one complete gzip member (RFC 1952) at the fastest level, with
 * ISA-L's igzip where it loads, else with {@code java.util.zip}'s zlib.
 *
 * <p>igzip is Intel's deflate in assembly (ISA-L), which Intel's Genomics Kernel Library (GKL)
 * bundles for Linux and macOS on x86-64 as a JNI {@link Deflater}. On this project's 2-core machine
 * its level 1 compressed audit-export lines at 270-350 MB per CPU-second against zlib's 65-72 at
 * its level 1, and smaller (3.3 against 3.0 times): with zlib, compression was most of an export's
 * CPU. Its output is plain deflate, read by any gzip reader. Elsewhere (ARM, or {@code
 * -Dcrm.gzip=zlib}) zlib is used.
 */
public final class Gzip {
  private static final Logger log = LoggerFactory.getLogger(Gzip.class);

  /** Which compressor this JVM uses: {@code igzip} or {@code zlib}. */
  public static final String ENGINE = engine();

  private static final byte[] HEADER = {0x1f, (byte) 0x8b, Deflater.DEFLATED, 0, 0, 0, 0, 0, 0, -1};
  private static final byte[] EMPTY = emptyMember();

  /** Compressors not in use; there are never more than the callers compressing at once. */
  private static final ConcurrentLinkedQueue<Compressor> IDLE = new ConcurrentLinkedQueue<>();

  private Gzip() {}

  /** One complete gzip member holding {@code data[0, length)}. */
  public static byte[] member(byte[] data, int length) throws IOException {
    if (length == 0) {
      return EMPTY.clone();
    }
    Compressor c = IDLE.poll();
    if (c == null) {
      c = ENGINE.equals("igzip") ? new Igzip() : new Zlib();
    }
    try {
      int n = c.deflate(data, length);
      byte[] member = new byte[HEADER.length + n + 8];
      System.arraycopy(HEADER, 0, member, 0, HEADER.length);
      System.arraycopy(c.out, 0, member, HEADER.length, n);
      CRC32 crc = new CRC32();
      crc.update(data, 0, length);
      littleEndian(member, HEADER.length + n, (int) crc.getValue());
      littleEndian(member, HEADER.length + n + 4, length); // ISIZE: the length modulo 2^32
      IDLE.offer(c);
      return member;
    } catch (IOException | RuntimeException e) {
      c.end(); // its state is unknown: not reused
      throw e;
    }
  }

  private static void littleEndian(byte[] b, int at, int value) {
    for (int i = 0; i < 4; i++) {
      b[at + i] = (byte) (value >>> (8 * i));
    }
  }

  /** Raw deflate of a whole block into {@link #out}. */
  private abstract static class Compressor {
    byte[] out = new byte[0];

    /** Deflates {@code data[0, length)} as one final block sequence; returns the bytes in out. */
    abstract int deflate(byte[] data, int length) throws IOException;

    abstract void end();

    /**
     * Room for the block even if it does not compress: stored blocks cost 5 bytes per 64 KiB, and a
     * little more for the block headers around them.
     */
    void room(int length) {
      int bound = length + (length >>> 4) + 1024;
      if (out.length < bound) {
        out = new byte[bound];
      }
    }
  }

  private static final class Igzip extends Compressor {
    private final IntelDeflater deflater = new IntelDeflater(Deflater.BEST_SPEED, true);

    @Override
    int deflate(byte[] data, int length) throws IOException {
      room(length);
      // igzip's stateless mode: the whole block in one call, which GKL's deflater only accepts
      // from offset 0 of both arrays.
      deflater.reset();
      deflater.setInput(data, 0, length);
      deflater.finish();
      int n = deflater.deflate(out, 0, out.length);
      if (!deflater.finished()) {
        throw new IOException("igzip did not finish a block of " + length + " bytes");
      }
      return n;
    }

    @Override
    void end() {
      deflater.end();
    }
  }

  private static final class Zlib extends Compressor {
    private final Deflater deflater = new Deflater(Deflater.BEST_SPEED, true);

    @Override
    int deflate(byte[] data, int length) {
      room(length);
      deflater.reset();
      deflater.setInput(data, 0, length);
      deflater.finish();
      int n = 0;
      while (!deflater.finished()) {
        if (n == out.length) {
          out = Arrays.copyOf(out, out.length * 2);
        }
        n += deflater.deflate(out, n, out.length - n);
      }
      return n;
    }

    @Override
    void end() {
      deflater.end();
    }
  }

  private static String engine() {
    if ("zlib".equals(System.getProperty("crm.gzip"))) {
      log.info("Gzip: zlib (java.util.zip), as -Dcrm.gzip=zlib asks");
      return "zlib";
    }
    try {
      if (new IntelDeflater(Deflater.BEST_SPEED, true).load(null)) {
        log.info("Gzip: ISA-L igzip (GKL native library)");
        return "igzip";
      }
      log.info("Gzip: zlib (java.util.zip); GKL's igzip does not load on {}", platform());
    } catch (LinkageError e) {
      log.warn("Gzip: zlib (java.util.zip); GKL's igzip failed to load on {}", platform(), e);
    }
    return "zlib";
  }

  private static String platform() {
    return System.getProperty("os.name") + "/" + System.getProperty("os.arch");
  }

  private static byte[] emptyMember() {
    ByteArrayOutputStream empty = new ByteArrayOutputStream();
    try (GZIPOutputStream gzip = new GZIPOutputStream(empty)) {
      gzip.finish();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return empty.toByteArray();
  }
}
