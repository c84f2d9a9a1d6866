package dev.crm.query.audit;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.util.ArrayDeque;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Gzip at the fastest level on every core, the way {@code pigz} does it: what is written is cut
 * into chunks of 1 MiB, each compressed into a complete gzip member ({@link Gzip}) by a pool thread
 * while the writer goes on, and the members are written out in order. Concatenated members are one
 * gzip file (RFC 1952, 2.2): {@code gunzip} and {@link java.util.zip.GZIPInputStream} read them as
 * one. At most a few chunks are in flight, so memory stays flat however long the stream.
 *
 * <p>An audit export's single writer thread was bound by compression (two thirds of its time); the
 * other threads the export uses (reading the events, hashing) leave room for it on the others.
 */
public final class ParallelGzip extends OutputStream {
  static final int CHUNK = 1 << 20;
  private static final int THREADS = Runtime.getRuntime().availableProcessors();

  /** Shared by every export: compression is bound by the cores, not by the number of exports. */
  private static final ExecutorService POOL =
      Executors.newFixedThreadPool(
          THREADS, Thread.ofPlatform().daemon().name("audit-gzip-", 0).factory());

  private final OutputStream out;
  private final ArrayDeque<Future<byte[]>> pending = new ArrayDeque<>();
  private byte[] chunk = new byte[CHUNK];
  private int size;
  private long written;
  private boolean closed;
  private boolean started;

  public ParallelGzip(OutputStream out) {
    this.out = out;
  }

  @Override
  public void write(int b) throws IOException {
    write(new byte[] {(byte) b}, 0, 1);
  }

  @Override
  public void write(byte[] b, int off, int len) throws IOException {
    written += len;
    while (len > 0) {
      int n = Math.min(len, CHUNK - size);
      System.arraycopy(b, off, chunk, size, n);
      size += n;
      off += n;
      len -= n;
      if (size == CHUNK) {
        submit();
      }
    }
  }

  /** Compresses what is buffered and writes every member so far, then flushes. */
  @Override
  public void flush() throws IOException {
    submit();
    while (!pending.isEmpty()) {
      writeNext();
    }
    out.flush();
  }

  @Override
  public void close() throws IOException {
    if (closed) {
      return;
    }
    closed = true;
    try {
      flush();
      if (!started) {
        out.write(Gzip.member(chunk, 0)); // an empty file is still gzip
      }
    } finally {
      pending.forEach(f -> f.cancel(true));
      pending.clear();
      out.close();
    }
  }

  private void submit() throws IOException {
    if (size == 0) {
      return;
    }
    byte[] data = chunk;
    int length = size;
    pending.add(POOL.submit(() -> Gzip.member(data, length)));
    started = true;
    chunk = new byte[CHUNK];
    size = 0;
    // One chunk queued per thread, beyond those being compressed, keeps every thread busy.
    while (pending.size() > THREADS + 1 || (!pending.isEmpty() && pending.peek().isDone())) {
      writeNext();
    }
  }

  private void writeNext() throws IOException {
    try {
      out.write(pending.poll().get());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted while compressing");
    } catch (ExecutionException e) {
      throw new IOException("compression failed", e.getCause());
    }
  }

  /** Bytes written in, before compression. */
  public long written() {
    return written;
  }
}
