package dev.crm.api.shared;

import dev.crm.domain.shared.InvalidField;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** ETag and If-Match: the entity tag of a record is its aggregate version. */
public final class Versions {
  private static final Pattern TAG = Pattern.compile("^(?:W/)?\"?(\\d{1,18})\"?$");

  private Versions() {}

  public static String etag(long version) {
    return "\"" + version + "\"";
  }

  /** The version the client last saw, or {@code null} if it sent no If-Match. */
  public static Long expected(String ifMatch) {
    if (ifMatch == null || ifMatch.isBlank() || ifMatch.trim().equals("*")) {
      return null;
    }
    Matcher m = TAG.matcher(ifMatch.trim());
    if (!m.matches()) {
      throw new InvalidField("If-Match", "must be an ETag this API issued, such as \"3\"");
    }
    return Long.parseLong(m.group(1));
  }
}
