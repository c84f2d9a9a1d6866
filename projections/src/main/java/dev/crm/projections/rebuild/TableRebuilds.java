package dev.crm.projections.rebuild;

import static dev.crm.db.jooq.Tables.CAMPAIGN;
import static dev.crm.db.jooq.Tables.COMPANY;
import static dev.crm.db.jooq.Tables.CONTACT;
import static dev.crm.db.jooq.Tables.SEGMENT_MEMBERSHIP;

import dev.crm.projections.campaign.CampaignTableProjection;
import dev.crm.projections.company.CompanyTableProjection;
import dev.crm.projections.contact.ContactTableProjection;
import dev.crm.projections.segment.SegmentMembershipBackfill;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.BiFunction;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.jooq.DSLContext;
import org.jooq.Record2;
import org.jooq.conf.MappedSchema;
import org.jooq.conf.MappedTable;
import org.jooq.conf.RenderMapping;
import org.jooq.conf.SettingsTools;
import org.jooq.impl.DSL;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

/**
 * Blue/green rebuilds of the SQL read tables ({@code contact}, {@code company}, {@code campaign})
 * from the events ({@link BlueGreenRebuild} has the steps). One processor reads the events once for
 * all three tables.
 *
 * <ul>
 *   <li><b>Beside.</b> Each table gets a twin ({@code contact_r<suffix>}) made from the serving
 *       table's own definition in the catalog: columns, defaults, checks, partitioning and
 *       partitions, primary key; no secondary indexes, no triggers and no autovacuum while it loads
 *       (the swap turns autovacuum back on). Second instances of the table projections write it:
 *       their jOOQ context renders the table's name as the twin's (a render mapping), so the
 *       rebuild runs the projections' own code.
 *   <li><b>Before the switch</b> the twins get the serving tables' secondary indexes (built once
 *       over the loaded rows, faster than kept up row by row) and fresh statistics.
 *   <li><b>Swap</b>, in one transaction: the dashboard counts are computed from the twins first;
 *       then the serving tables, their partitions and indexes are renamed to {@code _o<suffix>} and
 *       the twins to the serving names; functions typed by the tables' rows and the tables'
 *       triggers are made again on the new tables; the counts replace the old ones, and saved
 *       segments' kept members are marked unbuilt (they are counted live until {@link
 *       SegmentMembershipBackfill} builds them from the new rows). Readers wait for the renames'
 *       locks for the few milliseconds they take, and never see a missing table.
 *   <li><b>Drop</b> the old tables.
 * </ul>
 */
@Component
public class TableRebuilds extends BlueGreenRebuild {
  public static final String READ_MODEL = "tables";
  public static final String PROCESSOR = "read-tables-rebuild";

  /** A read table, the processor that writes it and the function of its dashboard counts. */
  record ReadTable(String name, String processor, String dims) {}

  static final List<ReadTable> TABLES =
      List.of(
          new ReadTable(CONTACT.getName(), ContactTableProjection.GROUP, "crm_contact_dims"),
          new ReadTable(COMPANY.getName(), CompanyTableProjection.GROUP, "crm_company_dims"),
          new ReadTable(CAMPAIGN.getName(), CampaignTableProjection.GROUP, "crm_campaign_dims"));

  /**
   * A twin's tables are left alone by autovacuum while the rebuild fills, indexes and analyzes them
   * (its own {@code ANALYZE} gives them statistics): insert-triggered vacuums and analyzes of the
   * growing tables ran beside the load and the index builds and took their CPU. The swap gives the
   * tables autovacuum back ({@link #AUTOVACUUM}), and it vacuums them once they serve.
   */
  private static final String NO_AUTOVACUUM =
      " WITH (autovacuum_enabled = false, toast.autovacuum_enabled = false)";

  private static final String AUTOVACUUM = " RESET (autovacuum_enabled, toast.autovacuum_enabled)";

  private static final Pattern INDEX_DEF =
      Pattern.compile(
          "^CREATE (UNIQUE )?INDEX (\\S+) ON (ONLY )?(\\S+) (USING .*)$", Pattern.DOTALL);

  private final SegmentMembershipBackfill segments;
  private final int indexThreads;

  public TableRebuilds(
      RebuildParts parts,
      SegmentMembershipBackfill segments,
      @Value("${crm.rebuild.index-threads:2}") int indexThreads) {
    super(parts, READ_MODEL, PROCESSOR, TABLES.stream().map(ReadTable::processor).toList());
    this.segments = segments;
    this.indexThreads = indexThreads;
  }

  /** The twin a rebuild writes: {@code contact_r1a2b3c}. */
  static String twin(String table, String id) {
    return table + "_r" + suffix(id);
  }

  /** The name a swapped-out table has until it is dropped: {@code contact_o1a2b3c}. */
  static String retired(String table, String id) {
    return table + "_o" + suffix(id);
  }

  private static String suffix(String id) {
    return id.substring(id.lastIndexOf('-') + 1).toLowerCase();
  }

  @Override
  protected void prepare(String id) {
    db.transaction(
        tx -> {
          DSLContext t = tx.dsl();
          for (ReadTable table : TABLES) {
            String serving = table.name();
            String twin = twin(serving, id);
            String partitionKey =
                (String) t.fetchValue("select pg_get_partkeydef({0}::regclass)", serving);
            ddl(
                t,
                "CREATE TABLE "
                    + DSL.quotedName(twin)
                    + " (LIKE "
                    + DSL.quotedName(serving)
                    + " INCLUDING DEFAULTS INCLUDING CONSTRAINTS INCLUDING STORAGE)"
                    + (partitionKey == null ? NO_AUTOVACUUM : " PARTITION BY " + partitionKey));
            for (Record2<String, String> p :
                t.resultQuery(
                        "select c.relname, pg_get_expr(c.relpartbound, c.oid) from pg_inherits i"
                            + " join pg_class c on c.oid = i.inhrelid"
                            + " where i.inhparent = {0}::regclass order by c.relname",
                        serving)
                    .coerce(DSL.field("relname", String.class), DSL.field("b", String.class))) {
              ddl(
                  t,
                  "CREATE TABLE "
                      + DSL.quotedName(twinPart(p.value1(), serving, twin))
                      + " PARTITION OF "
                      + DSL.quotedName(twin)
                      + " "
                      + p.value2()
                      + NO_AUTOVACUUM);
            }
            String primaryKey =
                (String)
                    t.fetchValue(
                        "select pg_get_constraintdef(oid) from pg_constraint"
                            + " where conrelid = {0}::regclass and contype = 'p'",
                        serving);
            ddl(
                t,
                "ALTER TABLE "
                    + DSL.quotedName(twin)
                    + " ADD CONSTRAINT "
                    + DSL.quotedName(twin + "_pkey")
                    + " "
                    + primaryKey);
          }
        });
  }

  @Override
  protected List<Object> handlers(String id) {
    MappedSchema schema = new MappedSchema().withInput("");
    for (ReadTable table : TABLES) {
      schema.withTables(
          new MappedTable().withInput(table.name()).withOutput(twin(table.name(), id)));
    }
    DSLContext twins =
        DSL.using(
            db.configuration()
                .derive(
                    SettingsTools.clone(db.settings())
                        .withRenderMapping(new RenderMapping().withSchemata(schema))));
    return List.of(
        ContactTableProjection.forRebuild(twins),
        CompanyTableProjection.forRebuild(twins),
        new CampaignTableProjection(twins));
  }

  /**
   * The twins get the serving tables' secondary indexes, built over the loaded rows, then fresh
   * statistics. A partitioned twin's index is built partition by partition ({@code CREATE INDEX …
   * ON ONLY} the table, an index on each partition, each then attached to it), so that the builds,
   * each on its own connection and bound by one core, are many small ones several threads share
   * evenly to the end, rather than twenty of very different sizes where the last runs alone.
   */
  @Override
  protected void beforeSwitch(String id) {
    List<String> parents = new ArrayList<>();
    List<String> builds = new ArrayList<>();
    List<String> attaches = new ArrayList<>();
    List<String> analyses = new ArrayList<>();
    for (ReadTable table : TABLES) {
      String twin = twin(table.name(), id);
      List<String> partitions = partitions(db, twin);
      // Statistics of each partition (of the table if it has none), on the threads the builds
      // use: a partitioned table's own ANALYZE would go through its partitions one by one.
      (partitions.isEmpty() ? List.of(twin) : partitions)
          .forEach(t -> analyses.add("ANALYZE " + DSL.quotedName(t)));
      for (Record2<String, String> index : secondaryIndexes(db, table.name())) {
        Matcher def = INDEX_DEF.matcher(index.value2());
        if (!def.matches()) {
          throw new IllegalStateException("unexpected index definition: " + index.value2());
        }
        String using = def.group(5);
        String unique = def.group(1) == null ? "" : def.group(1);
        BiFunction<String, String, String> createIndex =
            (name, on) ->
                "CREATE "
                    + unique
                    + "INDEX IF NOT EXISTS "
                    + DSL.quotedName(name)
                    + " ON "
                    + on
                    + " "
                    + using;
        String twinIndex = twinPart(index.value1(), table.name(), twin);
        if (partitions.isEmpty()) {
          builds.add(createIndex.apply(twinIndex, DSL.quotedName(twin).toString()));
          continue;
        }
        parents.add(createIndex.apply(twinIndex, "ONLY " + DSL.quotedName(twin)));
        for (String partition : partitions) {
          String child = partitionIndex(partition, index.value1(), table.name());
          builds.add(createIndex.apply(child, DSL.quotedName(partition).toString()));
          attaches.add(
              "ALTER INDEX "
                  + DSL.quotedName(twinIndex)
                  + " ATTACH PARTITION "
                  + DSL.quotedName(child));
        }
      }
    }
    // The slowest builds (GIN) first, so that the threads finish together.
    builds.sort(Comparator.comparing(sql -> !sql.contains("USING gin")));
    long started = System.nanoTime();
    parents.forEach(sql -> ddl(db, sql));
    inParallel(
        builds.stream()
            .<Runnable>map(
                sql ->
                    () ->
                        db.transaction(
                            tx -> {
                              tx.dsl().execute("SET LOCAL maintenance_work_mem = '256MB'");
                              ddl(tx.dsl(), sql);
                            }))
            .toList());
    // Attaching an already attached index (a switch run again) does nothing.
    db.transaction(tx -> attaches.forEach(sql -> ddl(tx.dsl(), sql)));
    long indexed = System.nanoTime();
    inParallel(analyses.stream().<Runnable>map(sql -> () -> ddl(db, sql)).toList());
    log.info(
        "Rebuild {}: {} index builds in {} ms (of {} indexes), the partitions analyzed in {} ms",
        id,
        builds.size(),
        (indexed - started) / 1_000_000,
        parents.size() + builds.size() - attaches.size(),
        (System.nanoTime() - indexed) / 1_000_000);
  }

  /** Runs the tasks on {@code index-threads} threads; the first failure fails them all. */
  private void inParallel(List<Runnable> tasks) {
    try (ExecutorService pool = Executors.newFixedThreadPool(indexThreads)) {
      List<Future<?>> running = tasks.stream().<Future<?>>map(pool::submit).toList();
      for (Future<?> task : running) {
        task.get();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while indexing", e);
    } catch (ExecutionException e) {
      throw new IllegalStateException("indexing the rebuilt tables failed", e.getCause());
    }
  }

  /**
   * The name of a twin partition's part of an index: {@code contact_r1a2b3c_p00_stage_idx} for
   * {@code contact_stage_idx}, cut to PostgreSQL's 63 bytes as it would cut it (names are ASCII).
   */
  static String partitionIndex(String partition, String servingIndex, String serving) {
    String own =
        servingIndex.startsWith(serving + "_")
            ? servingIndex.substring(serving.length() + 1)
            : servingIndex;
    String name = partition + "_" + own;
    return name.length() > 63 ? name.substring(0, 63) : name;
  }

  /** The twins already carry the serving names. */
  @Override
  protected boolean swapped(String id) {
    return db.fetchValue("select to_regclass({0})", twin(TABLES.get(0).name(), id)) == null
        && db.fetchValue("select to_regclass({0})", retired(TABLES.get(0).name(), id)) != null;
  }

  @Override
  protected Set<String> swap(String id) {
    Set<String> retired =
        TABLES.stream()
            .map(t -> retired(t.name(), id))
            .collect(Collectors.toCollection(LinkedHashSet::new));
    db.transaction(
        tx -> {
          DSLContext t = tx.dsl();
          if (t.fetchValue("select to_regclass({0})", twin(TABLES.get(0).name(), id)) == null) {
            return; // swapped by an earlier attempt
          }
          t.execute("SET LOCAL lock_timeout = '30s'");
          // 1. The dashboard counts of the new rows, before any lock on a serving table.
          String counts =
              TABLES.stream()
                  .map(
                      table ->
                          "SELECT c.tenant_id, d.metric, d.key, count(*) AS count FROM "
                              + DSL.quotedName(twin(table.name(), id))
                              + " c, "
                              + table.dims()
                              + "(ROW(c.*)::"
                              + DSL.quotedName(table.name())
                              + ") d GROUP BY 1, 2, 3")
                  .collect(Collectors.joining(" UNION ALL "));
          ddl(t, "CREATE TEMP TABLE crm_swap_counts ON COMMIT DROP AS " + counts);
          for (ReadTable table : TABLES) {
            String serving = table.name();
            String twin = twin(serving, id);
            // 2. What refers to the serving table by its row type or by name, to make again.
            List<String> functions = new ArrayList<>();
            for (Record2<String, String> f :
                t.resultQuery(
                        "select p.oid::regprocedure::text, pg_get_functiondef(p.oid) from pg_proc p"
                            + " where p.prorettype = {0}::regtype"
                            + " or {0}::regtype = any(p.proargtypes::oid[])",
                        serving)
                    .coerce(DSL.field("sig", String.class), DSL.field("def", String.class))) {
              ddl(t, "DROP FUNCTION " + f.value1());
              functions.add(f.value2());
            }
            List<String> triggers =
                strings(
                    t,
                    "select pg_get_triggerdef(oid) from pg_trigger"
                        + " where tgrelid = {0}::regclass and not tgisinternal",
                    serving);
            // 3. The serving table steps aside; the twin takes its names.
            renameAll(t, serving, retired(serving, id));
            renameAll(t, twin, serving);
            List<String> parts = partitions(t, serving);
            for (String filled : parts.isEmpty() ? List.of(serving) : parts) {
              ddl(t, "ALTER TABLE " + DSL.quotedName(filled) + AUTOVACUUM);
            }
            functions.forEach(f -> ddl(t, f));
            triggers.forEach(f -> ddl(t, f));
            t.execute("DELETE FROM dashboard_count WHERE metric LIKE {0}", serving + ".%");
          }
          t.execute("INSERT INTO dashboard_count SELECT * FROM crm_swap_counts");
          // 4. Kept segment members were built from the old rows.
          t.deleteFrom(SEGMENT_MEMBERSHIP).execute();
        });
    log.info("Rebuild {}: the read tables now serve from the rebuilt rows", id);
    return retired;
  }

  /** Saved segments are built again from the new rows, off the switch's path. */
  @Override
  protected void afterSwap(String id) {
    Thread.ofVirtual().name("segments-after-rebuild").start(segments::buildMissing);
  }

  @Override
  protected void drop(Set<String> retired) {
    for (String table : retired) {
      ddl(db, "DROP TABLE IF EXISTS " + DSL.quotedName(table));
    }
  }

  @Override
  protected void dropUnserved(String id) {
    for (ReadTable table : TABLES) {
      ddl(db, "DROP TABLE IF EXISTS " + DSL.quotedName(twin(table.name(), id)));
    }
  }

  private static List<Record2<String, String>> secondaryIndexes(DSLContext t, String table) {
    return t.resultQuery(
            "select c.relname, pg_get_indexdef(i.indexrelid) from pg_index i"
                + " join pg_class c on c.oid = i.indexrelid"
                + " where i.indrelid = {0}::regclass and not i.indisprimary order by c.relname",
            table)
        .coerce(DSL.field("relname", String.class), DSL.field("def", String.class))
        .fetch();
  }

  /**
   * Renames a table, its partitions and its indexes (those named after it) from one prefix to
   * another.
   */
  private static void renameAll(DSLContext t, String from, String to) {
    rename(
        t,
        "INDEX",
        strings(
            t,
            "select c.relname from pg_index i join pg_class c on c.oid = i.indexrelid"
                + " where i.indrelid = {0}::regclass",
            from),
        from,
        to);
    rename(t, "TABLE", partitions(t, from), from, to);
    ddl(t, "ALTER TABLE " + DSL.quotedName(from) + " RENAME TO " + DSL.quotedName(to));
  }

  private static void rename(
      DSLContext t, String kind, List<String> relations, String from, String to) {
    for (String relation : relations) {
      String name = renamed(relation, from, to);
      if (!name.equals(relation)) {
        ddl(
            t,
            "ALTER "
                + kind
                + " "
                + DSL.quotedName(relation)
                + " RENAME TO "
                + DSL.quotedName(name));
      }
    }
  }

  /** The partitions of a table, by name (none if it is not partitioned). */
  private static List<String> partitions(DSLContext t, String table) {
    return strings(
        t,
        "select c.relname from pg_inherits i join pg_class c on c.oid = i.inhrelid"
            + " where i.inhparent = {0}::regclass order by c.relname",
        table);
  }

  /** The first column of a catalog query about one relation. */
  private static List<String> strings(DSLContext t, String sql, String relation) {
    return t.fetch(sql, relation).getValues(0, String.class);
  }

  /**
   * Runs catalog-made SQL as it is: function bodies and definitions must not pass through jOOQ's
   * plain-SQL templating, which reads {@code ?} and braces as placeholders.
   */
  private static void ddl(DSLContext t, String sql) {
    t.connection(
        c -> {
          try (var statement = c.createStatement()) {
            statement.execute(sql);
          }
        });
  }

  /** {@code contact_p00} under prefix {@code contact} becomes {@code <to>_p00}; others stay. */
  private static String renamed(String name, String from, String to) {
    return name.startsWith(from + "_") ? to + name.substring(from.length()) : name;
  }

  /** The twin's name for a serving table's partition or index. */
  private static String twinPart(String name, String serving, String twin) {
    String renamed = renamed(name, serving, twin);
    return renamed.equals(name) ? twin + "_" + name : renamed;
  }
}
