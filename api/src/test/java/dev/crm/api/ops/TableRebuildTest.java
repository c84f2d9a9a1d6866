package dev.crm.api.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.crm.api.customfield.CustomFields;
import dev.crm.projections.rebuild.TableRebuilds;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.jooq.DSLContext;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * Blue/green rebuilds of the SQL read tables against the real PostgreSQL: a rebuild while writes go
 * on repairs damage an in-place replay cannot (a value altered under an unchanged version), ends
 * with the tables equal to what the events say, keeps the dashboard counts, indexes and triggers,
 * and lists and dashboards never fail or go empty meanwhile.
 */
class TableRebuildTest extends RebuildTestSupport {
  @Autowired DSLContext db;

  /** Every column of a tenant's rows of {@code table}, by id, as PostgreSQL prints them. */
  private Map<String, String> rows(String table, String tenant) {
    Map<String, String> rows = new TreeMap<>();
    db.resultQuery(
            "select id::text, row_to_json(t)::text from " + table + " t where tenant_id = ?::uuid",
            tenant)
        .forEach(r -> rows.put(r.get(0, String.class), r.get(1, String.class)));
    return rows;
  }

  /** The tenant's dashboard counts as kept, and as counted from the contact table now. */
  private Map<String, Long> keptCounts(String tenant) {
    Map<String, Long> counts = new TreeMap<>();
    db.resultQuery(
            "select metric || '=' || key, count from dashboard_count"
                + " where tenant_id = ?::uuid and count <> 0",
            tenant)
        .forEach(r -> counts.put(r.get(0, String.class), r.get(1, Long.class)));
    return counts;
  }

  private Map<String, Long> recounted(String tenant) {
    Map<String, Long> counts = new TreeMap<>();
    for (String[] t :
        new String[][] {
          {"contact", "crm_contact_dims"},
          {"company", "crm_company_dims"},
          {"campaign", "crm_campaign_dims"}
        }) {
      db.resultQuery(
              "select d.metric || '=' || d.key, count(*) from "
                  + t[0]
                  + " c, "
                  + t[1]
                  + "(c) d where c.tenant_id = ?::uuid group by 1",
              tenant)
          .forEach(r -> counts.put(r.get(0, String.class), r.get(1, Long.class)));
    }
    return counts;
  }

  private static Map<String, Object> person(String last) {
    Map<String, Object> c = new HashMap<>(contact(uniqueEmail()));
    c.put("firstName", "Tab");
    c.put("lastName", last);
    return c;
  }

  /** A contact's last activity time, as an instant. */
  private String lastActivity(String tenant, String contact) {
    return db.fetchSingle(
            "select last_activity_at from contact where tenant_id = ?::uuid and id = ?::uuid",
            tenant,
            contact)
        .get(0, OffsetDateTime.class)
        .toInstant()
        .toString();
  }

  private static void activity(Tenant t, String contact, String occurredAt) {
    create(
        t.editor(),
        "/api/v1/contacts/" + contact + "/activities",
        Map.of("type", "call", "occurredAt", occurredAt));
  }

  @Test
  void aRebuildUnderWritesRepairsTheTablesAndReadsNeverFailOrGoEmpty() throws Exception {
    List<String> indexesBefore = servingIndexes();
    Tenant t = newTenant();
    String company =
        create(
            t.editor(),
            "/api/v1/companies",
            Map.of(
                "name",
                "Rebuild, \"Co\"",
                "industry",
                "Software",
                "employeeCount",
                120,
                "annualRevenue",
                2500000.50));
    String campaign =
        create(t.editor(), "/api/v1/campaigns", Map.of("name", "Rebuild run", "channel", "email"));
    List<String> ids = new ArrayList<>();
    // Values the rebuild's COPY must carry as they are: quotes, commas, backslashes, arrays.
    CustomFields.define(t.admin(), "shoeSize", "number");
    Map<String, Object> rich = person("O'Brien, \"Jr\" \\ sr");
    rich.put("tags", List.of("vip", "a \"quoted\", tag", "back\\slash", "{brace}"));
    rich.put("phones", List.of("+1 555 0100", "+44 20 7946 0958"));
    rich.put("companyId", company);
    rich.put("leadScore", 42);
    rich.put("customFields", Map.of("shoeSize", "42"));
    ids.add(create(t.editor(), "/api/v1/contacts", rich));
    for (int i = 1; i < 20; i++) {
      ids.add(create(t.editor(), "/api/v1/contacts", person("Tablerow" + i)));
    }
    t.editor().patch("/api/v1/contacts/" + ids.get(1), Map.of("lastName", "Renamed"));
    // Activities, back-dated ones among them, around another change of the same contact: the
    // rebuild sends a batch's activity updates together, and must still apply them in event order.
    activity(t, ids.get(2), "2021-01-02T10:00:00Z");
    t.editor().patch("/api/v1/contacts/" + ids.get(2), Map.of("lastName", "Active"));
    activity(t, ids.get(2), "2020-05-05T09:30:00.123456Z");
    activity(t, ids.get(2), "2022-03-03T08:00:00Z");
    activity(t, ids.get(4), "2019-07-07T07:07:07Z");
    activity(t, ids.get(4), "2018-01-01T00:00:00Z");
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> rows("contact", t.id()).size() == 20 && rows("company", t.id()).size() == 1);
    await()
        .atMost(Duration.ofSeconds(30))
        .until(
            () ->
                rows("contact", t.id()).get(ids.get(1)).contains("Renamed")
                    && rows("contact", t.id()).get(ids.get(4)).contains("\"activity_count\":2"));
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> rows("contact", t.id()).get(ids.get(2)).contains("\"activity_count\":3"));
    assertThat(rows("contact", t.id()).get(ids.get(2))).contains("\"last_name\":\"Active\"");
    assertThat(lastActivity(t.id(), ids.get(2))).isEqualTo("2022-03-03T08:00:00Z");
    Map<String, String> contacts = rows("contact", t.id());
    Map<String, String> companies = rows("company", t.id());
    Map<String, String> campaigns = rows("campaign", t.id());

    // Damage an in-place replay cannot repair: a value altered under the row's version, a row
    // removed, a row no event made.
    db.execute(
        "update contact set last_name = 'Vandalized', lead_score = 99, activity_count = 0,"
            + " last_activity_at = null where tenant_id = ?::uuid and id = ?::uuid",
        t.id(),
        ids.get(2));
    db.execute(
        "delete from contact where tenant_id = ?::uuid and id = ?::uuid", t.id(), ids.get(3));
    db.execute(
        "insert into contact (tenant_id, id, version, sort_name, email, lifecycle_stage,"
            + " created_at, updated_at) values (?::uuid, gen_random_uuid(), 0, 'bogus',"
            + " 'bogus@example.com', 'lead', now(), now())",
        t.id());
    db.execute(
        "update company set industry = 'Tampered' where tenant_id = ?::uuid and id = ?::uuid",
        t.id(),
        company);
    db.execute(
        "update campaign set name = 'Tampered' where tenant_id = ?::uuid and id = ?::uuid",
        t.id(),
        campaign);
    assertThat(rows("contact", t.id())).isNotEqualTo(contacts);

    Map<String, String> written = new ConcurrentHashMap<>();
    Set<String> active = ConcurrentHashMap.newKeySet();
    Set<String> twinOptions = ConcurrentHashMap.newKeySet();
    String id =
        rebuildUnderLoad(
            "tables",
            i -> {
              String contact = create(t.editor(), "/api/v1/contacts", person("During" + i));
              written.put(contact, "During" + i);
              if (i % 3 == 0) {
                t.editor().patch("/api/v1/contacts/" + contact, Map.of("lastName", "After" + i));
                written.put(contact, "After" + i);
              } else if (i % 3 == 1) {
                activity(t, contact, "2023-04-05T06:07:08Z");
                active.add(contact);
              }
            },
            () -> {
              // The twin's partitions as the rebuild fills them: autovacuum off.
              twinOptions.addAll(
                  db.fetch(
                          "select coalesce(array_to_string(reloptions, ','), '') from pg_class"
                              + " where relname ~ '^contact_r[0-9a-f]{6}_p00$'")
                      .getValues(0, String.class));
              Response list = t.viewer().get("/api/v1/contacts?limit=100");
              Response dashboard = t.viewer().get("/api/v1/dashboard");
              if (list.status() != 200) {
                return "list " + list.status() + " " + list.body();
              }
              if (list.json().get("items").size() < 19) {
                return "list of only " + list.json().get("items").size();
              }
              return dashboard.status() != 200
                  ? "dashboard " + dashboard.status() + " " + dashboard.body()
                  : null;
            });

    // The table processors go on from where the rebuild stopped: later writes land too.
    String late = create(t.editor(), "/api/v1/contacts", person("Late"));
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> rows("contact", t.id()).size() == 20 + written.size() + 1);
    Map<String, String> after = rows("contact", t.id());
    assertThat(after).containsKey(late);
    // Every row the events made before the rebuild is back as it was, the bogus one is gone.
    contacts.forEach((contactId, row) -> assertThat(after.get(contactId)).isEqualTo(row));
    written.forEach(
        (contactId, last) -> assertThat(after.get(contactId)).contains("\"" + last + "\""));
    assertThat(active).isNotEmpty();
    active.forEach(
        contactId -> {
          assertThat(after.get(contactId)).contains("\"activity_count\":1");
          assertThat(lastActivity(t.id(), contactId)).isEqualTo("2023-04-05T06:07:08Z");
        });
    assertThat(rows("company", t.id())).isEqualTo(companies);
    assertThat(rows("campaign", t.id())).isEqualTo(campaigns);
    // The counts were taken from the new rows, and the triggers count on.
    assertThat(keptCounts(t.id())).isEqualTo(recounted(t.id()));
    assertThat(keptCounts(t.id())).containsEntry("company.industry=Software", 1L);
    // The serving tables have their names, indexes and triggers; the old ones are gone.
    assertThat(db.fetchValue("select to_regclass('contact_created_idx')::text"))
        .isEqualTo("contact_created_idx");
    assertThat(db.fetchValue("select to_regclass('contact_p00')::text")).isEqualTo("contact_p00");
    assertThat(
            db.fetchValue(
                "select count(*) from pg_trigger where tgrelid = 'contact'::regclass"
                    + " and not tgisinternal"))
        .isEqualTo(3L);
    assertThat(
            db.fetchValue(
                "select count(*) from pg_class where relname ~ ? and relkind in ('r', 'p')",
                "^(contact|company|campaign)_[ro]" + id.substring(id.lastIndexOf('-') + 1)))
        .isEqualTo(0L);
    // Autovacuum was off in the twin while it loaded, and is back on the tables now serving.
    assertThat(twinOptions)
        .as("a reader saw the twin")
        .isNotEmpty()
        .allSatisfy(options -> assertThat(options).contains("autovacuum_enabled=false"));
    assertThat(
            db.fetch(
                    "select c.relname from pg_class c where c.relname ~"
                        + " '^(contact|company|campaign)(_p[0-9]+)?$' and c.reloptions is not null")
                .getValues(0, String.class))
        .isEmpty();
    // Every index is back, on the tables and on each of their partitions, and usable (a
    // partitioned index built part by part is valid only once every part is attached).
    assertThat(servingIndexes()).isEqualTo(indexesBefore);
  }

  /** The read tables' indexes (partitions' too): table, what it indexes, whether it is valid. */
  private List<String> servingIndexes() {
    return db.fetch(
            "select c.relname || ' ' || regexp_replace(pg_get_indexdef(i.indexrelid), '^.* USING ',"
                + " 'USING ') || ' ' || i.indisvalid from pg_index i"
                + " join pg_class c on c.oid = i.indrelid"
                + " where c.relname ~ '^(contact|company|campaign)(_p[0-9]+)?$' order by 1")
        .getValues(0, String.class);
  }

  @Test
  void aTableRebuildCanBePausedAndResumed() throws Exception {
    Tenant t = newTenant();
    String id0 = create(t.editor(), "/api/v1/contacts", person("Pausable"));
    await().atMost(Duration.ofSeconds(30)).until(() -> rows("contact", t.id()).containsKey(id0));
    Response started = startRebuild("tables");
    assertThat(started.status()).as(started.body()).isEqualTo(202);
    String id = started.json().get("id").asString();
    pauseAndResume(id);
    awaitCompleted(id);
    assertThat(rows("contact", t.id())).containsKey(id0);
    Response list = platformAdmin().get("/api/v1/admin/rebuilds");
    assertThat(list.json().get(0).get("id").asString()).isEqualTo(id);
    assertThat(list.json().get(0).get("readModel").asString()).isEqualTo("tables");

    // A paused rebuild given up is failed, what it made is gone, and the serving tables never
    // changed. (A real one on the tiny test store is switching before a pause lands, so this one
    // is left paused as a node would leave it: its row and its twin.)
    Map<String, String> before = rows("contact", t.id());
    String suffix = java.util.UUID.randomUUID().toString().substring(0, 6);
    String other = "20261204000000-" + suffix;
    db.execute(
        "insert into read_model_rebuild (id, read_model, state, processor, head_at_start,"
            + " started_at, updated_at) values (?, 'tables', 'paused', 'read-tables-rebuild', 0,"
            + " now(), now())",
        other);
    db.execute("create table contact_r" + suffix + " (like contact)");
    Response cancelled = platformAdmin().post("/api/v1/admin/rebuilds/" + other + "/cancel", null);
    assertThat(cancelled.status()).as(cancelled.body()).isEqualTo(200);
    assertThat(cancelled.json().get("state").asString()).isEqualTo("failed");
    assertThat(cancelled.json().get("failure").asString()).contains("cancelled");
    assertThat(db.fetchValue("select to_regclass(?)", "contact_r" + suffix)).isNull();
    assertThat(platformAdmin().post("/api/v1/admin/rebuilds/" + other + "/cancel", null).status())
        .as("only once")
        .isEqualTo(409);
    assertThat(rows("contact", t.id())).isEqualTo(before);
  }

  /**
   * A rebuild stuck on an event it cannot write (a rebuild's processor has no dead-letter queue: it
   * retries the batch) is given up while it builds: cancelled, it is marked failed, its processor
   * lets go of its segments, what it made is dropped, and the serving tables never changed. The
   * stuck row is followed by more than the switch lag of other events, so the rebuild cannot reach
   * the switch.
   */
  @Test
  void aRebuildStuckWhileBuildingIsCancelled() {
    Tenant t = newTenant();
    String unwritable = "Unwritable" + UUID.randomUUID().toString().substring(0, 8);
    String stuck = create(t.editor(), "/api/v1/contacts", person(unwritable));
    StringBuilder csv = new StringBuilder("firstName,lastName,email\n");
    for (int i = 0; i < 2500; i++) {
      csv.append("After,Row").append(i).append(',').append(uniqueEmail()).append('\n');
    }
    Response upload =
        t.editor()
            .upload(
                "/api/v1/imports",
                "{\"format\":\"csv\"}",
                csv.toString().getBytes(StandardCharsets.UTF_8));
    assertThat(upload.status()).as(upload.body()).isEqualTo(202);
    await().atMost(Duration.ofSeconds(60)).until(() -> rows("contact", t.id()).size() == 2501);
    Map<String, String> before = rows("contact", t.id());
    assertThat(before).containsKey(stuck);
    // Rows written from now on must not carry the name: the twin, made from the serving table's
    // definition, refuses the stuck contact's row.
    db.execute(
        "alter table contact add constraint crm_test_unwritable check (last_name is distinct from"
            + " '"
            + unwritable
            + "') not valid");
    try {
      Response started = startRebuild("tables");
      assertThat(started.status()).as(started.body()).isEqualTo(202);
      String id = started.json().get("id").asString();
      String twin = "contact_r" + id.substring(id.lastIndexOf('-') + 1);
      await()
          .during(Duration.ofSeconds(3))
          .atMost(Duration.ofSeconds(30))
          .until(
              () ->
                  platformAdmin()
                          .get("/api/v1/admin/rebuilds/" + id)
                          .json()
                          .get("state")
                          .asString()
                          .equals("building")
                      && db.fetchValue("select to_regclass(?)", twin) != null);

      Response cancelled = platformAdmin().post("/api/v1/admin/rebuilds/" + id + "/cancel", null);

      assertThat(cancelled.status()).as(cancelled.body()).isEqualTo(200);
      assertThat(cancelled.json().get("state").asString()).isEqualTo("failed");
      assertThat(cancelled.json().get("failure").asString()).contains("cancelled");
      assertThat(db.fetchValue("select to_regclass(?)", twin)).isNull();
      assertThat(
              db.fetchValue(
                  "select count(*) from tokenentry where processorname = ? and owner is not null",
                  TableRebuilds.PROCESSOR))
          .isEqualTo(0L);
      assertThat(platformAdmin().get("/api/v1/admin/rebuilds/" + id).json().get("state").asString())
          .isEqualTo("failed");
    } finally {
      db.execute("alter table contact drop constraint if exists crm_test_unwritable");
    }
    assertThat(rows("contact", t.id())).isEqualTo(before);
    // The serving processors never stopped: a contact written now lands.
    String later = create(t.editor(), "/api/v1/contacts", person("Later"));
    await().atMost(Duration.ofSeconds(30)).until(() -> rows("contact", t.id()).containsKey(later));
  }
}
