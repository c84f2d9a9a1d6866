package dev.crm.infra.cache;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;

/**
 * A cached read as the API answered it: the body, its content type and its entity tag. A hit writes
 * these bytes back without running the query or serializing anything. Bodies as large as the server
 * compresses are kept gzipped ({@code gzipped}): a hit then sends them as they are to a client that
 * accepts gzip, instead of compressing the same bytes again on every hit, and they take a fraction
 * of the memory in both levels.
 */
public record CachedResponse(byte[] body, String contentType, String etag, boolean gzipped) {
  private static final int FORMAT = 2;

  /**
   * The response to cache for {@code body}: gzipped when it has at least {@code gzipFrom} bytes.
   */
  public static CachedResponse of(byte[] body, String contentType, String etag, int gzipFrom) {
    if (gzipFrom < 0 || body.length < gzipFrom) {
      return new CachedResponse(body, contentType, etag, false);
    }
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(body.length / 4 + 64);
    try (GZIPOutputStream gzip = new GZIPOutputStream(bytes)) {
      gzip.write(body);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return new CachedResponse(bytes.toByteArray(), contentType, etag, true);
  }

  /** The body as sent to a client: gzipped when it is stored so and the client accepts that. */
  public byte[] bodyFor(boolean acceptsGzip) {
    if (!gzipped || acceptsGzip) {
      return body;
    }
    try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(body))) {
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** How much memory the entry holds, roughly: what bounds each node's first level. */
  int weight() {
    return body.length + 64 + (etag == null ? 0 : etag.length()) + contentType.length();
  }

  /** The second level's form: the epoch and generation it was read under, then the response. */
  byte[] encode(long epoch, long generation) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(body.length + 96);
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      out.writeByte(FORMAT);
      out.writeLong(epoch);
      out.writeLong(generation);
      out.writeUTF(contentType);
      out.writeUTF(etag == null ? "" : etag);
      out.writeBoolean(gzipped);
      out.writeInt(body.length);
      out.write(body);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bytes.toByteArray();
  }

  /** An entry read back from the second level, with the epoch and generation it was read under. */
  record Stamped(long epoch, long generation, CachedResponse response) {}

  /** Decodes {@link #encode}; null for anything else (an older format, a damaged value). */
  static Stamped decode(byte[] bytes) {
    try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes))) {
      if (in.readByte() != FORMAT) {
        return null;
      }
      long epoch = in.readLong();
      long generation = in.readLong();
      String contentType = in.readUTF();
      String etag = in.readUTF();
      boolean gzipped = in.readBoolean();
      byte[] body = new byte[in.readInt()];
      in.readFully(body);
      return new Stamped(
          epoch,
          generation,
          new CachedResponse(body, contentType, etag.isEmpty() ? null : etag, gzipped));
    } catch (IOException | RuntimeException e) {
      return null;
    }
  }
}
