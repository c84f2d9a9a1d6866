package dev.crm.bench;

import com.fasterxml.jackson.databind.SerializationFeature;
import java.awt.Color;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.CategoryAxis;
import org.jfree.chart.axis.CategoryLabelPositions;
import org.jfree.chart.axis.LogAxis;
import org.jfree.chart.plot.CategoryPlot;
import org.jfree.chart.renderer.category.BarRenderer;
import org.jfree.chart.renderer.category.StandardBarPainter;
import org.jfree.data.category.DefaultCategoryDataset;

/** The three outputs of a run: a table on stdout, a JSON report and a latency chart (PNG). */
final class Report {
  private Report() {}

  static void table(Map<String, Object> report, List<Latency> latencies, PrintStream out) {
    out.println();
    out.printf(
        Locale.ROOT,
        "%-42s %8s %9s %9s %9s %9s%n",
        "latency (ms)",
        "count",
        "p50",
        "p95",
        "p99",
        "max");
    for (Latency l : latencies) {
      out.printf(
          Locale.ROOT,
          "%-42s %8d %9.2f %9.2f %9.2f %9.2f%n",
          l.name(),
          l.count(),
          l.percentileMillis(50),
          l.percentileMillis(95),
          l.percentileMillis(99),
          l.maxMillis());
    }
    out.println();
    if (report.get("import") instanceof Map<?, ?> imp) {
      out.printf(
          Locale.ROOT,
          "import %,d rows alone: events stored %.2f s, rows visible %.2f s (%,d rows/s),"
              + " COPY %.2f s, ratio to COPY %.1fx; %,d events%n",
          imp.get("rows"),
          imp.get("secondsToEventsStored"),
          imp.get("secondsToRowsVisible"),
          imp.get("rowsPerSecondEndToEnd"),
          imp.get("copySeconds"),
          imp.get("ratioToCopy"),
          imp.get("eventsStored"));
    }
    if (report.get("importBesideReads") instanceof Map<?, ?> imp
        && imp.get("otherTenantReads") instanceof Map<?, ?> other) {
      out.printf(
          Locale.ROOT,
          "import %,d rows beside another tenant's reads: rows visible %.2f s (%,d rows/s);"
              + " that tenant's p99 vs idle: detail %.1fx, list %.1fx%n",
          imp.get("rows"),
          imp.get("secondsToRowsVisible"),
          imp.get("rowsPerSecondEndToEnd"),
          other.get("detailP99RatioToIdle"),
          other.get("listP99RatioToIdle"));
    }
    if (report.get("search") instanceof Map<?, ?> search) {
      out.printf(
          Locale.ROOT,
          "search: p99 %.1fx raw Elasticsearch, autocomplete p99 %.1fx raw Elasticsearch%n",
          search.get("searchP99RatioToRaw"),
          search.get("autocompleteP99RatioToRaw"));
    }
    if (report.get("cache") instanceof Map<?, ?> cache
        && cache.get("cachesOn") instanceof Map<?, ?> on
        && cache.get("cachesOff") instanceof Map<?, ?> off) {
      out.printf(
          Locale.ROOT,
          "caches: Zipf mix hit ratio %.2f (off: %.2f); p99 on/off: detail %.2fx, list %.2fx,"
              + " search %.2fx%n",
          on.get("hitRatio"),
          off.get("hitRatio"),
          cache.get("detailP99OnToOff"),
          cache.get("listP99OnToOff"),
          cache.get("searchP99OnToOff"));
    }
    if (report.get("replay") instanceof Map<?, ?> replay) {
      for (String rebuild : List.of("tableRebuild", "searchRebuild")) {
        if (replay.get(rebuild) instanceof Map<?, ?> r) {
          out.printf(
              Locale.ROOT,
              "%s: %,d events in %.1f s (%,d events/s)%n",
              rebuild,
              r.get("events"),
              r.get("seconds"),
              r.get("eventsPerSecond"));
        }
      }
      if (replay.get("auditExport") instanceof Map<?, ?> export) {
        for (String which : List.of("first", "second")) {
          if (export.get(which) instanceof Map<?, ?> e) {
            out.printf(
                Locale.ROOT,
                "audit export (%s): %,d events in %.2f s (%,d events/s), heap used at most %d MB,"
                    + " live data after GC at most %s%n",
                which,
                export.get("events"),
                e.get("seconds"),
                e.get("eventsPerSecond"),
                e.get("heapUsedPeakMb"),
                ReplayBench.liveData(e.get("liveDataAfterGcPeakMb")));
          }
        }
      }
    }
    if (report.get("reads") instanceof Map<?, ?> reads) {
      out.printf(
          Locale.ROOT,
          "reads: detail p99 %.1fx raw SQL, list p99 %.1fx raw SQL%n",
          reads.get("detailP99RatioToSql"),
          reads.get("listP99RatioToSql"));
    }
    if (report.get("generate") instanceof Map<?, ?> gen) {
      out.printf(
          Locale.ROOT,
          "generated %s tenants, %,d companies, %,d contacts, %s campaigns in %.1f s;"
              + " search index complete %.1f s later%n",
          gen.get("tenants"),
          gen.get("companies"),
          gen.get("contacts"),
          gen.get("campaigns"),
          gen.get("seconds"),
          gen.get("secondsUntilSearchIndexed"));
    }
  }

  static void json(Map<String, Object> report, Path file) throws IOException {
    Files.createDirectories(file.toAbsolutePath().getParent());
    CrmClient.JSON
        .copy()
        .enable(SerializationFeature.INDENT_OUTPUT)
        .writeValue(file.toFile(), report);
  }

  /** p50/p95/p99 bars per operation on a log scale, so 1 ms and 100 ms both stay readable. */
  static void chart(String title, List<Latency> latencies, Path file) throws IOException {
    System.setProperty("java.awt.headless", "true");
    DefaultCategoryDataset data = new DefaultCategoryDataset();
    for (Latency l : latencies) {
      if (l.count() == 0) {
        continue;
      }
      data.addValue(Math.max(0.01, l.percentileMillis(50)), "p50", l.name());
      data.addValue(Math.max(0.01, l.percentileMillis(95)), "p95", l.name());
      data.addValue(Math.max(0.01, l.percentileMillis(99)), "p99", l.name());
    }
    CategoryAxis x = new CategoryAxis();
    x.setCategoryLabelPositions(CategoryLabelPositions.UP_45);
    LogAxis y = new LogAxis("milliseconds (log scale)");
    y.setSmallestValue(0.01);
    y.setNumberFormatOverride(new java.text.DecimalFormat("0.##"));
    BarRenderer bars = new BarRenderer();
    bars.setBarPainter(new StandardBarPainter());
    bars.setShadowVisible(false);
    bars.setSeriesPaint(0, new Color(0x4C78A8));
    bars.setSeriesPaint(1, new Color(0xF58518));
    bars.setSeriesPaint(2, new Color(0xE45756));
    CategoryPlot plot = new CategoryPlot(data, x, y, bars);
    plot.setBackgroundPaint(Color.WHITE);
    plot.setRangeGridlinePaint(Color.LIGHT_GRAY);
    JFreeChart chart = new JFreeChart(title, JFreeChart.DEFAULT_TITLE_FONT, plot, true);
    chart.setBackgroundPaint(Color.WHITE);
    Files.createDirectories(file.toAbsolutePath().getParent());
    ChartUtils.saveChartAsPNG(file.toFile(), chart, 1200, 700);
  }
}
