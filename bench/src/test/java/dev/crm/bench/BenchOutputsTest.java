package dev.crm.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.image.BufferedImage;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.IntStream;
import javax.imageio.ImageIO;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a person running the generator or the benchmark relies on without a service: the generated
 * file is one the importer takes (header, unique emails, custom fields of the types the generator
 * defines), the sizes add up, and the chart and report are written and readable.
 */
class BenchOutputsTest {
  @TempDir Path dir;

  @Test
  void listReadersFollowTheTopLevelCursorAndStopOnTheLastPage() {
    CrmClient.Answer page =
        new CrmClient.Answer(
            200,
            "{\"items\":[{\"customFields\":{\"nextCursor\":\"inner\"},\"tags\":[\"a\"]}],"
                + "\"nextCursor\":\"abc\"}");
    CrmClient.Answer last = new CrmClient.Answer(200, "{\"items\":[],\"nextCursor\":null}");

    assertThat(page.topLevelText("nextCursor")).isEqualTo("abc");
    assertThat(last.topLevelText("nextCursor")).isNull();
  }

  @Test
  void generatedContactFileHasTheImportHeaderAndUniqueEmails() throws Exception {
    DataGenerator gen = new DataGenerator(null, Size.named("small"), dir, System.out, 7);
    Path file = dir.resolve("c.csv");
    List<DataGenerator.Company> companies =
        List.of(
            new DataGenerator.Company("6f9619ff-8b86-d011-b42d-00c04fc964ff", "acme-0.com"),
            new DataGenerator.Company("7f9619ff-8b86-d011-b42d-00c04fc964ff", "globex-1.io"));
    gen.writeContacts(file, 1_000, 2_000, companies);

    List<CSVRecord> rows;
    try (Reader in = Files.newBufferedReader(file)) {
      rows = CSVFormat.DEFAULT.builder().setHeader().get().parse(in).getRecords();
    }
    assertThat(rows).hasSize(2_000);
    assertThat(rows.getFirst().getParser().getHeaderNames())
        .containsExactlyElementsOf(DataGenerator.CSV_HEADER);
    // Every custom column is defined for the tenant, and its values are ones the definition takes.
    Map<String, Map<String, Object>> definitions = new java.util.HashMap<>();
    DataGenerator.customFieldDefinitions().forEach(d -> definitions.put((String) d.get("key"), d));
    assertThat(definitions.keySet())
        .containsExactlyInAnyOrderElementsOf(DataGenerator.CUSTOM_FIELDS);
    Set<String> emails = new HashSet<>();
    for (CSVRecord r : rows) {
      for (String choice : List.of("region", "plan")) {
        assertThat(r.get("customFields." + choice))
            .isIn((List<?>) definitions.get(choice).get("options"));
      }
      assertThat(r.get("customFields.renewal_date")).matches("\\d{4}-\\d{2}-\\d{2}");
      assertThat(r.get("customFields.nps")).matches("\\d+");
      assertThat(r.get("email")).matches("[a-z0-9-]+\\.[a-z0-9-]+\\.\\d+@[a-z0-9.-]+");
      emails.add(r.get("email"));
      assertThat(r.get("companyId")).isIn("", companies.get(0).id(), companies.get(1).id());
      assertThat(r.get("customFields.region")).isIn("NA", "EMEA", "APAC", "LATAM");
    }
    assertThat(emails).hasSize(2_000);
    // Most contacts work at a company, and their email is at its domain.
    long linked = rows.stream().filter(r -> !r.get("companyId").isEmpty()).count();
    assertThat(linked).isBetween(1_400L, 1_800L);
  }

  @Test
  void tenantSharesAddUpAndTheFirstTenantIsTheLargest() {
    Size full = Size.named("full");
    int sum = IntStream.range(0, full.tenants()).map(i -> full.shareOf(500_000, i)).sum();
    assertThat(sum).isEqualTo(500_000);
    assertThat(full.shareOf(500_000, 0)).isGreaterThan(full.shareOf(500_000, 1));
    assertThat(Size.named("quick")).isEqualTo(Size.named("small"));
  }

  @Test
  void percentilesComeFromTheRecordedSamples() {
    Latency l = new Latency("x");
    for (int ms = 1; ms <= 100; ms++) {
      l.recordNanos(ms * 1_000_000L);
    }
    assertThat(l.count()).isEqualTo(100);
    assertThat(l.percentileMillis(50)).isBetween(49.9, 50.1);
    assertThat(l.percentileMillis(99)).isBetween(98.9, 99.1);
    assertThat(l.maxMillis()).isBetween(99.9, 100.1);
  }

  @Test
  void chartAndReportAreWritten() throws Exception {
    Latency a = new Latency("contact detail (API)");
    Latency b = new Latency("contact detail (raw SQL)");
    for (int i = 1; i <= 50; i++) {
      a.recordNanos(i * 200_000L);
      b.recordNanos(i * 20_000L);
    }
    Path png = dir.resolve("out/chart.png");
    Report.chart("test", List.of(a, b), png);
    BufferedImage image = ImageIO.read(png.toFile());
    assertThat(image.getWidth()).isEqualTo(1200);
    assertThat(image.getHeight()).isEqualTo(700);

    Path json = dir.resolve("out/report.json");
    Report.json(Map.of("reads", Map.of("detail", a.summary())), json);
    var tree = CrmClient.JSON.readTree(json.toFile());
    assertThat(tree.at("/reads/detail/count").asLong()).isEqualTo(50);
    assertThat(tree.at("/reads/detail/p99Ms").asDouble()).isBetween(9.8, 10.1);
  }
}
