package dev.crm.query.audit;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * Who caused an event, read from its stored metadata JSON: values come back as the text they hold,
 * whether they are copied as they lie or have escapes to decode, and whatever else the metadata
 * holds around them.
 */
class AuditMetadataTest {

  @Test
  void theFiveIdsComeBackFromTheirKeys() {
    byte[][] ids =
        AuditTrail.metadata(
            json(
                "{\"traceId\":\"t-1\",\"correlationId\":\"c-1\",\"tenantId\":\"ten\","
                    + "\"requestId\":\"r-1\",\"actorId\":\"a-1\"}"));
    assertThat(text(ids)).containsExactly("ten", "a-1", "r-1", "c-1", "t-1");
  }

  @Test
  void escapedAndNonAsciiValuesComeBackDecoded() {
    byte[][] ids =
        AuditTrail.metadata(
            json(
                "{\"tenantId\":\"ten\",\"actorId\":\"say \\\"hi\\\" \\\\ \\u00e9t\\u00e9\","
                    + "\"requestId\":\"ünïcode ✓\"}"));
    assertThat(text(ids)).containsExactly("ten", "say \"hi\" \\ été", "ünïcode ✓", null, null);
  }

  @Test
  void otherValuesAroundThemAreSkipped() {
    byte[][] ids =
        AuditTrail.metadata(
            json(
                "{\"nested\":{\"tenantId\":\"not this\",\"list\":[1,{\"actorId\":\"nor this\"}]},"
                    + "\"count\":3,\"flag\":true,\"none\":null,\"actorId\":42,"
                    + "\"tenantId\":\"ten\",\"after\":[\"x\"]}"));
    assertThat(text(ids)).containsExactly("ten", null, null, null, null);
  }

  @Test
  void noMetadataIsNoIds() {
    assertThat(text(AuditTrail.metadata(null))).containsOnlyNulls();
    assertThat(text(AuditTrail.metadata(json("{}")))).containsOnlyNulls();
  }

  private static byte[] json(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }

  private static String[] text(byte[][] values) {
    String[] out = new String[values.length];
    for (int i = 0; i < values.length; i++) {
      out[i] = values[i] == null ? null : new String(values[i], StandardCharsets.UTF_8);
    }
    return out;
  }
}
