package dev.crm.bench;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.PrintStream;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.IntStream;
import net.datafaker.Faker;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVPrinter;

/**
 * Fills an installation with realistic data through the service's own write path: tenants and
 * companies through the REST commands, contacts through import jobs (CSV files of up to 100K rows),
 * campaigns through their commands. Names, companies and industries come from datafaker; the same
 * seed makes the same data.
 */
final class DataGenerator {
  static final int ROWS_PER_FILE = 100_000;
  static final List<String> CUSTOM_FIELDS = List.of("region", "plan", "renewal_date", "nps");
  static final List<String> CSV_HEADER =
      List.of(
          "firstName",
          "lastName",
          "email",
          "phones",
          "companyId",
          "ownerId",
          "lifecycleStage",
          "leadScore",
          "tags",
          "optInEmail",
          "optInSms",
          "customFields.region",
          "customFields.plan",
          "customFields.renewal_date",
          "customFields.nps");

  private static final List<String> TAGS =
      List.of(
          "vip",
          "newsletter",
          "webinar-2026",
          "trial",
          "enterprise",
          "smb",
          "partner",
          "churn-risk",
          "upsell",
          "event-lead",
          "referral",
          "inbound",
          "outbound",
          "beta",
          "nps-promoter",
          "nps-detractor",
          "renewal",
          "decision-maker",
          "influencer",
          "champion");
  private static final List<String> STAGES =
      List.of("SUBSCRIBER", "LEAD", "LEAD", "MQL", "SQL", "OPPORTUNITY", "CUSTOMER", "CUSTOMER");
  private static final List<String> REGIONS = List.of("NA", "EMEA", "APAC", "LATAM");
  private static final List<String> PLANS = List.of("free", "starter", "pro", "enterprise");
  private static final List<String> SIZE_BANDS =
      List.of("S_1_10", "S_11_50", "S_51_200", "S_201_500", "S_501_1000", "S_1001_5000");
  private static final List<String> COMPANY_STATUS =
      List.of("PROSPECT", "ACTIVE", "CUSTOMER", "PARTNER", "CHURNED");
  private static final List<String> CHANNELS = List.of("EMAIL", "SMS", "SOCIAL", "ADS", "EVENT");
  private static final List<String> FREE_MAIL = List.of("mail.example", "inbox.example");
  private static final int POOL = 4_000;
  private static final int OWNERS = 25;
  private static final int CLIENTS = 4;

  /** A generated tenant: its admin key and the companies its contacts link to. */
  record Tenant(String id, String name, String adminKey, List<Company> companies, int contacts) {}

  record Company(String id, String domain) {}

  private final CrmClient platform;
  private final Size size;
  private final Path workDir;
  private final PrintStream out;
  private final Random random;
  private final Faker faker;
  private final List<String> firstNames;
  private final List<String> lastNames;
  private final List<String> phones;

  DataGenerator(CrmClient platform, Size size, Path workDir, PrintStream out, long seed) {
    this.platform = platform;
    this.size = size;
    this.workDir = workDir;
    this.out = out;
    this.random = new Random(seed);
    this.faker = new Faker(Locale.US, new Random(seed));
    // Pools keep 500K rows fast to write while the combinations stay varied.
    this.firstNames = pool(() -> faker.name().firstName());
    this.lastNames = pool(() -> faker.name().lastName());
    this.phones = pool(() -> faker.phoneNumber().cellPhone());
  }

  List<Tenant> generate() throws IOException {
    Files.createDirectories(workDir);
    List<Tenant> tenants = new ArrayList<>();
    for (int i = 0; i < size.tenants(); i++) {
      String name = "Bench " + (i + 1) + " " + faker.company().name();
      Tenant tenant = createTenant(name);
      List<Company> companies = companies(tenant, size.shareOf(size.companies(), i));
      int contacts = size.shareOf(size.contacts(), i);
      tenant = new Tenant(tenant.id(), name, tenant.adminKey(), companies, contacts);
      importContacts(tenant, contacts, "gen");
      campaigns(tenant, size.shareOf(size.campaigns(), i));
      tenants.add(tenant);
    }
    return tenants;
  }

  /** Creates a tenant with the contact custom fields its import files fill. */
  Tenant createTenant(String name) {
    JsonNode t = platform.post("/api/v1/admin/tenants", Map.of("name", name));
    out.printf("[tenant] %s (%s)%n", name, t.get("id").asText());
    String adminKey = t.get("adminKey").asText();
    CrmClient api = platform.as(adminKey);
    customFieldDefinitions().forEach(field -> api.post("/api/v1/custom-fields/contact", field));
    return new Tenant(t.get("id").asText(), name, adminKey, List.of(), 0);
  }

  /** The definitions of {@link #CUSTOM_FIELDS}, typed as {@link #writeContacts} fills them. */
  static List<Map<String, Object>> customFieldDefinitions() {
    return List.of(
        Map.of("key", "region", "label", "Region", "type", "dropdown", "options", REGIONS),
        Map.of("key", "plan", "label", "Plan", "type", "dropdown", "options", PLANS),
        Map.of("key", "renewal_date", "label", "Renewal date", "type", "date"),
        Map.of("key", "nps", "label", "NPS", "type", "number"));
  }

  List<Company> companies(Tenant tenant, int count) {
    CrmClient api = platform.as(tenant.adminKey());
    List<Map<String, Object>> bodies = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      String name = faker.company().name();
      Map<String, Object> body = new LinkedHashMap<>();
      body.put("name", name);
      body.put("domain", slug(name) + "-" + i + "." + pick(List.of("com", "io", "net", "co")));
      body.put("industry", faker.company().industry());
      body.put("sizeBand", pick(SIZE_BANDS));
      body.put("employeeCount", 1 + random.nextInt(5_000));
      body.put("annualRevenue", 50_000 + random.nextInt(50_000_000));
      body.put("status", pick(COMPANY_STATUS));
      body.put("priority", pick(List.of("LOW", "MEDIUM", "HIGH")));
      body.put("ownerId", owner());
      bodies.add(body);
    }
    Progress progress = new Progress("companies " + tenant.name(), count, out);
    List<Company> made = Collections.synchronizedList(new ArrayList<>(count));
    parallel(
        count,
        i -> {
          JsonNode r = api.post("/api/v1/companies", bodies.get(i));
          made.add(new Company(r.get("id").asText(), (String) bodies.get(i).get("domain")));
          progress.add(1);
        });
    progress.finish();
    return new ArrayList<>(made);
  }

  /** Imports {@code count} contacts as jobs of at most 100K rows and waits for each to finish. */
  long importContacts(Tenant tenant, int count, String keyPrefix) throws IOException {
    CrmClient api = platform.as(tenant.adminKey());
    Progress progress = new Progress("contacts " + tenant.name(), count, out);
    long done = 0;
    for (int first = 0; first < count; first += ROWS_PER_FILE) {
      int rows = Math.min(ROWS_PER_FILE, count - first);
      Path file = workDir.resolve("contacts-" + tenant.id() + "-" + first + ".csv");
      writeContacts(file, first, rows, tenant.companies());
      JsonNode job = api.upload(file, importOptions(), keyPrefix + "-" + tenant.id() + "-" + first);
      JsonNode end = awaitJob(api, job.get("id").asText(), done, progress);
      done += end.get("rowsSucceeded").asLong();
      Files.delete(file);
    }
    progress.finish();
    return done;
  }

  static Map<String, Object> importOptions() {
    return Map.of("format", "csv", "dedupe", "skip", "customFields", CUSTOM_FIELDS);
  }

  /** Polls an import job until it ends; fails unless it succeeded. */
  static JsonNode awaitJob(CrmClient api, String jobId, long before, Progress progress) {
    while (true) {
      JsonNode job = api.get("/api/v1/imports/" + jobId);
      String state = job.get("state").asText();
      if (progress != null) {
        progress.set(before + job.get("rowsSucceeded").asLong() + job.get("rowsFailed").asLong());
      }
      switch (state) {
        case "completed" -> {
          return job;
        }
        case "failed", "cancelled" ->
            throw new IllegalStateException("import job " + jobId + " ended " + job);
        default -> sleep(100);
      }
    }
  }

  /** Writes {@code rows} contact rows, numbered from {@code first} so their emails are unique. */
  void writeContacts(Path file, long first, int rows, List<Company> companies) throws IOException {
    try (Writer w = Files.newBufferedWriter(file, StandardCharsets.UTF_8);
        CSVPrinter csv =
            CSVFormat.DEFAULT
                .builder()
                .setHeader(CSV_HEADER.toArray(String[]::new))
                .get()
                .print(w)) {
      LocalDate today = LocalDate.of(2026, 11, 1);
      for (int i = 0; i < rows; i++) {
        long n = first + i;
        String firstName = pick(firstNames);
        String lastName = pick(lastNames);
        Company company = companies.isEmpty() || random.nextInt(10) < 2 ? null : pick(companies);
        String domain = company == null ? pick(FREE_MAIL) : company.domain();
        csv.printRecord(
            firstName,
            lastName,
            slug(firstName) + "." + slug(lastName) + "." + n + "@" + domain,
            random.nextInt(4) == 0 ? pick(phones) + ";" + pick(phones) : pick(phones),
            company == null ? "" : company.id(),
            owner(),
            pick(STAGES),
            random.nextInt(101),
            String.join(";", tags()),
            random.nextInt(3) != 0,
            random.nextInt(5) == 0,
            pick(REGIONS),
            pick(PLANS),
            today.plusDays(random.nextInt(365)).toString(),
            random.nextInt(11));
      }
    }
  }

  void campaigns(Tenant tenant, int count) {
    CrmClient api = platform.as(tenant.adminKey());
    Progress progress = new Progress("campaigns " + tenant.name(), count, out);
    Instant later = Instant.now().plus(30, ChronoUnit.DAYS);
    for (int i = 0; i < count; i++) {
      JsonNode c =
          api.post(
              "/api/v1/campaigns",
              Map.of(
                  "name", faker.commerce().productName() + " " + faker.marketing().buzzwords(),
                  "channel", pick(CHANNELS),
                  "description", faker.lorem().sentence(12)));
      String id = c.get("id").asText();
      if (i % 2 == 0) {
        api.post("/api/v1/campaigns/" + id + "/schedule", Map.of("startAt", later.toString()));
        if (i % 4 == 0) {
          api.post("/api/v1/campaigns/" + id + "/launch", Map.of());
        }
      }
      progress.add(1);
    }
    progress.finish();
  }

  private List<String> tags() {
    int n = random.nextInt(4);
    List<String> tags = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      String t = pick(TAGS);
      if (!tags.contains(t)) {
        tags.add(t);
      }
    }
    return tags;
  }

  private String owner() {
    return "owner-" + (1 + random.nextInt(OWNERS));
  }

  private <T> T pick(List<T> from) {
    return from.get(random.nextInt(from.size()));
  }

  private List<String> pool(java.util.function.Supplier<String> make) {
    return IntStream.range(0, POOL).mapToObj(i -> make.get()).toList();
  }

  static String slug(String s) {
    String slug = s.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "-");
    slug = slug.replaceAll("^-+|-+$", "");
    return slug.isEmpty() ? "x" : slug;
  }

  /** Runs {@code task(0..count-1)} on a few HTTP clients at once; the first failure stops it. */
  static void parallel(int count, java.util.function.IntConsumer task) {
    try (ExecutorService pool = Executors.newFixedThreadPool(CLIENTS)) {
      List<Future<?>> futures = new ArrayList<>();
      for (int c = 0; c < CLIENTS; c++) {
        int client = c;
        futures.add(
            pool.submit(
                () -> {
                  for (int i = client; i < count; i += CLIENTS) {
                    task.accept(i);
                  }
                }));
      }
      for (Future<?> f : futures) {
        try {
          f.get();
        } catch (Exception e) {
          pool.shutdownNow();
          throw new IllegalStateException("generator failed: " + e.getMessage(), e);
        }
      }
    }
  }

  static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }
}
