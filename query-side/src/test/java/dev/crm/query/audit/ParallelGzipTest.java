package dev.crm.query.audit;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;

/**
 * A streamed export compressed on several threads is still one gzip file: it unzips to exactly the
 * bytes written, in order, whatever the sizes of the writes and of the chunks.
 */
class ParallelGzipTest {

  @Test
  void manyChunksUnzipToTheBytesWrittenInOrder() throws IOException {
    ByteArrayOutputStream expected = new ByteArrayOutputStream();
    ByteArrayOutputStream zipped = new ByteArrayOutputStream();
    try (ParallelGzip gzip = new ParallelGzip(zipped)) {
      // Lines of every length up to a few KB, over more than a dozen chunks, so that chunk
      // borders fall inside writes and the members come back from several threads.
      for (int i = 0; expected.size() < ParallelGzip.CHUNK * 13 + 12_345; i++) {
        byte[] line =
            ("{\"line\":" + i + ",\"text\":\"" + "ä\\\"x".repeat(i % 997) + "\"}\n")
                .getBytes(StandardCharsets.UTF_8);
        gzip.write(line, 0, line.length);
        expected.write(line);
        if (i % 5000 == 0) {
          gzip.write('\n');
          expected.write('\n');
        }
      }
    }
    assertThat(unzip(zipped.toByteArray())).isEqualTo(expected.toByteArray());
    assertThat(zipped.size()).isLessThan(expected.size() / 4);
  }

  @Test
  void aFlushWritesEverythingSoFarAndTheStreamGoesOn() throws IOException {
    ByteArrayOutputStream zipped = new ByteArrayOutputStream();
    ParallelGzip gzip = new ParallelGzip(zipped);
    gzip.write("first half\n".getBytes(StandardCharsets.UTF_8));
    gzip.flush();
    assertThat(new String(unzip(zipped.toByteArray()), StandardCharsets.UTF_8))
        .isEqualTo("first half\n");
    gzip.write("second half\n".getBytes(StandardCharsets.UTF_8));
    gzip.close();
    assertThat(new String(unzip(zipped.toByteArray()), StandardCharsets.UTF_8))
        .isEqualTo("first half\nsecond half\n");
  }

  @Test
  void nothingWrittenIsAnEmptyGzipFile() throws IOException {
    ByteArrayOutputStream zipped = new ByteArrayOutputStream();
    new ParallelGzip(zipped).close();
    assertThat(unzip(zipped.toByteArray())).isEmpty();
  }

  private static byte[] unzip(byte[] gzip) throws IOException {
    try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(gzip))) {
      return in.readAllBytes();
    }
  }
}
