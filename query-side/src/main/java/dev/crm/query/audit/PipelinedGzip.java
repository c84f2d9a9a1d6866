package dev.crm.query.audit;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.util.Arrays;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * Gzip on a thread of its own: the writer fills 256 KB blocks and goes on producing the next while
 * the compressor thread deflates the last ones into {@code out} ({@link FastGzip}). An export
 * thread spends about as long deflating its bytes as making them (reading, JSON, hashing), so the
 * two halves run on two cores instead of one after the other. At most four blocks wait: memory
 * stays bounded whatever the size of the export. A failure on either side (the client went away)
 * reaches the other.
 */
public final class PipelinedGzip extends OutputStream {
  private static final int BLOCK = 256 * 1024;
  private static final byte[] END = new byte[0];

  private final BlockingQueue<byte[]> blocks = new ArrayBlockingQueue<>(4);
  private final Thread compressor;
  private byte[] block = new byte[BLOCK];
  private int used;
  private volatile Throwable failure;
  private boolean closed;

  public PipelinedGzip(OutputStream out) {
    this.compressor =
        Thread.ofPlatform()
            .daemon()
            .name("audit-gzip")
            .start(
                () -> {
                  try (FastGzip gzip = new FastGzip(out)) {
                    while (true) {
                      byte[] b = blocks.take();
                      if (b == END) {
                        break;
                      }
                      gzip.write(b, 0, b.length);
                    }
                  } catch (IOException | RuntimeException e) {
                    failure = e;
                    blocks.clear();
                  } catch (InterruptedException e) {
                    failure = e;
                  }
                });
  }

  @Override
  public void write(int b) throws IOException {
    write(new byte[] {(byte) b}, 0, 1);
  }

  @Override
  public void write(byte[] b, int off, int len) throws IOException {
    while (len > 0) {
      int n = Math.min(len, BLOCK - used);
      System.arraycopy(b, off, block, used, n);
      used += n;
      off += n;
      len -= n;
      if (used == BLOCK) {
        hand(block);
        block = new byte[BLOCK];
        used = 0;
      }
    }
  }

  private void hand(byte[] b) throws IOException {
    try {
      while (!blocks.offer(b, 100, TimeUnit.MILLISECONDS)) {
        check();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted while writing the export");
    }
    check();
  }

  private void check() throws IOException {
    Throwable f = failure;
    if (f != null) {
      // A new exception each time: a close after a failed write reports it again, suppressed.
      throw new IOException("the export could not be written: " + f.getMessage(), f);
    }
  }

  /** Compresses what is left, ends the gzip stream and closes {@code out}. */
  @Override
  public void close() throws IOException {
    if (closed) {
      return;
    }
    closed = true;
    if (used > 0) {
      hand(Arrays.copyOf(block, used));
    }
    hand(END);
    try {
      compressor.join();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted while finishing the export");
    }
    check();
  }
}
