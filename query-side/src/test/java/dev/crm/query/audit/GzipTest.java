package dev.crm.query.audit;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;

/**
 * A gzip member, whichever compressor made it, is read back by a standard gzip reader as exactly
 * the bytes given (its checksum and length checked), compressible or not; and on x86-64 the fast
 * native compressor is the one in use, not a silent fallback that would cost exports most of their
 * speed.
 */
class GzipTest {

  @Test
  void x86MachinesCompressWithIgzip() {
    String arch = System.getProperty("os.arch");
    boolean x86 = arch.equals("amd64") || arch.equals("x86_64");
    assertThat(Gzip.ENGINE).isEqualTo(x86 ? "igzip" : "zlib");
  }

  @Test
  void textComesBackAsWrittenAndSmaller() throws IOException {
    byte[] text = new byte[ParallelGzip.CHUNK];
    byte[] line =
        "{\"position\":12345,\"eventType\":\"ContactCreated\",\"tags\":[\"vip\"]}\n".getBytes();
    for (int i = 0; i < text.length; i++) {
      text[i] = line[i % line.length];
    }
    byte[] member = Gzip.member(text, text.length);
    assertThat(unzip(member)).isEqualTo(text);
    assertThat(member.length).isLessThan(text.length / 20);
  }

  @Test
  void incompressibleBytesComeBackAsWritten() throws IOException {
    // Random bytes do not compress: the member holds them stored, a little larger than they are.
    byte[] noise = new byte[ParallelGzip.CHUNK];
    new SplittableRandom(7).nextBytes(noise);
    assertThat(unzip(Gzip.member(noise, noise.length))).isEqualTo(noise);
  }

  @Test
  void onlyTheGivenLengthIsCompressed() throws IOException {
    byte[] buffer = new byte[4096];
    Arrays.fill(buffer, (byte) 'a');
    Arrays.fill(buffer, 1000, buffer.length, (byte) 'z');
    assertThat(unzip(Gzip.member(buffer, 1000))).isEqualTo(Arrays.copyOf(buffer, 1000));
    assertThat(unzip(Gzip.member(buffer, 0))).isEmpty();
  }

  private static byte[] unzip(byte[] gzip) throws IOException {
    try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(gzip))) {
      return in.readAllBytes();
    }
  }
}
