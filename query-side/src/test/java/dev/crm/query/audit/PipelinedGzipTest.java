package dev.crm.query.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;

/** The export's gzip on a thread of its own: the same bytes come out, and failures come back. */
class PipelinedGzipTest {

  @Test
  void manyBlocksOfTextComeOutAsOneGzipOfTheSameBytes() throws IOException {
    ByteArrayOutputStream expected = new ByteArrayOutputStream();
    ByteArrayOutputStream zipped = new ByteArrayOutputStream();
    try (PipelinedGzip out = new PipelinedGzip(zipped)) {
      for (int i = 0; i < 60_000; i++) {
        byte[] line =
            ("{\"position\":" + i + ",\"text\":\"line " + i + "\"}\n")
                .getBytes(StandardCharsets.UTF_8);
        expected.write(line);
        // Odd-sized writes that straddle the 256 KB blocks.
        out.write(line, 0, 3);
        out.write(line, 3, line.length - 3);
      }
    }
    byte[] unzipped;
    try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(zipped.toByteArray()))) {
      unzipped = in.readAllBytes();
    }
    assertThat(unzipped).isEqualTo(expected.toByteArray());
    assertThat(zipped.size()).isLessThan(expected.size() / 3);
  }

  @Test
  void aClientThatGoesAwayStopsTheWriter() {
    OutputStream gone =
        new OutputStream() {
          @Override
          public void write(int b) throws IOException {
            throw new IOException("connection reset");
          }

          @Override
          public void write(byte[] b, int off, int len) throws IOException {
            throw new IOException("connection reset");
          }
        };
    assertThatThrownBy(
            () -> {
              try (PipelinedGzip out = new PipelinedGzip(gone)) {
                byte[] chunk = new byte[64 * 1024];
                for (int i = 0; i < 1_000; i++) {
                  out.write(chunk);
                }
              }
            })
        .isInstanceOf(IOException.class)
        .hasMessageContaining("connection reset");
  }
}
