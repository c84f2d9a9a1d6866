package dev.crm.api.customfield;

import static org.assertj.core.api.Assertions.assertThat;

import dev.crm.api.ApiTestSupport.Client;
import dev.crm.api.ApiTestSupport.Response;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Defines contact custom fields over HTTP, as a tenant admin does before using them. */
public final class CustomFields {
  public static final String PATH = "/api/v1/custom-fields/contact";

  private CustomFields() {}

  /** Defines an optional field of {@code type} labelled as its key; answers the schema version. */
  public static long define(Client admin, String key, String type) {
    return define(admin, field(key, type));
  }

  /** Defines a field from a request body, asserting the 201 a client relies on. */
  public static long define(Client admin, Map<String, Object> body) {
    Response r = admin.post(PATH, body);
    assertThat(r.status()).as(r.body()).isEqualTo(201);
    return r.json().get("version").asLong();
  }

  /** A definition body; add {@code required}, {@code options} or {@code currency} to it. */
  public static Map<String, Object> field(String key, String type) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("key", key);
    body.put("label", key);
    body.put("type", type);
    return body;
  }

  public static Map<String, Object> choice(String key, String type, List<String> options) {
    Map<String, Object> body = field(key, type);
    body.put("options", options);
    return body;
  }
}
