package dev.crm.infra.cache;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * A cached read as the API answered it: the body as sent, its content type and its entity tag. A
 * hit writes these bytes back without running the query or serializing anything.
 */
public record CachedResponse(byte[] body, String contentType, String etag) {
  private static final int FORMAT = 1;

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
      byte[] body = new byte[in.readInt()];
      in.readFully(body);
      return new Stamped(
          epoch, generation, new CachedResponse(body, contentType, etag.isEmpty() ? null : etag));
    } catch (IOException | RuntimeException e) {
      return null;
    }
  }
}
