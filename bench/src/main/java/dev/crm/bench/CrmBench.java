package dev.crm.bench;

import dev.crm.bench.ServiceProcess.Database;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** Command line of the data generator ({@code generate}) and the benchmark ({@code run}). */
@Command(
    name = "crm-bench",
    mixinStandardHelpOptions = true,
    subcommands = {CrmBench.Generate.class, CrmBench.Run.class},
    description = "Generate realistic CRM data through the API, or run the benchmark.")
public final class CrmBench {
  public static void main(String[] args) {
    System.exit(new CommandLine(new CrmBench()).execute(args));
  }

  /** Options both commands share: how much data, and the seed that makes it repeatable. */
  static final class Sizing {
    @Option(
        names = "--size",
        defaultValue = "small",
        description = "small (default, alias quick) or full (500K contacts, 50K companies)")
    String size;

    @Option(names = "--tenants", description = "override the number of tenants")
    Integer tenants;

    @Option(names = "--companies", description = "override the number of companies")
    Integer companies;

    @Option(names = "--contacts", description = "override the number of contacts")
    Integer contacts;

    @Option(names = "--import-rows", description = "override the size of the timed import")
    Integer importRows;

    @Option(names = "--seed", defaultValue = "42", description = "random seed (default 42)")
    long seed;

    Size resolve() {
      return Size.named(size).withCounts(tenants, companies, contacts, importRows);
    }
  }

  /** Fills a running service with data through its REST API. */
  @Command(name = "generate", mixinStandardHelpOptions = true)
  static final class Generate implements Callable<Integer> {
    @Mixin Sizing sizing;

    @Option(names = "--url", defaultValue = "http://127.0.0.1:8080/")
    URI url;

    @Option(
        names = "--platform-key-file",
        defaultValue = ".crm/bootstrap-admin-key",
        description = "file holding the platform-admin key (as bin/crm run writes it)")
    Path keyFile;

    @Option(names = "--work-dir", defaultValue = ".crm/generate")
    Path workDir;

    @Override
    public Integer call() throws Exception {
      Size size = sizing.resolve();
      CrmClient platform = new CrmClient(Http.create(), url, readKey(keyFile));
      long t0 = System.nanoTime();
      List<DataGenerator.Tenant> tenants =
          new DataGenerator(platform, size, workDir, System.out, sizing.seed).generate();
      System.out.printf(
          "generated %d tenants in %.1f s; their admin keys:%n",
          tenants.size(), (System.nanoTime() - t0) / 1e9);
      for (DataGenerator.Tenant t : tenants) {
        System.out.printf("  %s  %s  %s%n", t.id(), t.name(), t.adminKey());
      }
      return 0;
    }
  }

  /** Fresh database, the packaged service as a child process, data, measurements, report. */
  @Command(name = "run", mixinStandardHelpOptions = true)
  static final class Run implements Callable<Integer> {
    @Mixin Sizing sizing;

    @Option(names = "--service-jar", required = true)
    Path serviceJar;

    @Option(names = "--db-host", defaultValue = "127.0.0.1")
    String dbHost;

    @Option(names = "--db-port", defaultValue = "5432")
    int dbPort;

    @Option(names = "--db-name", defaultValue = "crm_bench")
    String dbName;

    @Option(names = "--db-user", defaultValue = "crm")
    String dbUser;

    @Option(names = "--db-password", defaultValue = "crm")
    String dbPassword;

    @Option(names = "--port", defaultValue = "18080")
    int port;

    @Option(names = "--out", defaultValue = ".crm/bench")
    Path outDir;

    @Option(
        names = "--phases",
        defaultValue = "all",
        description =
            "all (default: fresh database, data, every phase), or caches or replay: only that"
                + " phase, on the database and tenant a full run left (<out>/read-tenant.json)")
    String phases;

    @Option(names = "--service-java-opts", defaultValue = "")
    String serviceJavaOpts;

    @Option(
        names = "--rebuilds",
        defaultValue = "tables,search",
        split = ",",
        description = "read models the replay phase rebuilds (default tables,search)")
    List<String> rebuilds;

    @Option(names = "--es-url", defaultValue = "http://127.0.0.1:9200/")
    java.net.URI elasticsearch;

    @Option(
        names = "--index-prefix",
        defaultValue = "crm-bench",
        description = "search index prefix; its indexes are deleted at start")
    String indexPrefix;

    @Override
    public Integer call() throws Exception {
      Size size = sizing.resolve();
      Database db = new Database(dbHost, dbPort, dbName, dbUser, dbPassword);
      Files.createDirectories(outDir);
      Path keyFile = outDir.resolve("platform-key");
      Path readTenantFile = outDir.resolve("read-tenant.json");
      Map<String, Object> report;
      List<Latency> charted;
      DataGenerator.Tenant readTenant;
      switch (phases) {
        case "all" -> {
          Files.deleteIfExists(keyFile);
          System.out.printf("[bench] size %s: fresh database %s%n", size.name(), dbName);
          ServiceProcess.recreateDatabase(db);
          ServiceProcess.dropIndexes(elasticsearch, indexPrefix);
          // The read models are measured without the read cache, against raw SQL and raw
          // Elasticsearch; the cache has a phase of its own at the end.
          try (ServiceProcess service = start(db, keyFile, "service.log", false)) {
            CrmClient platform = new CrmClient(Http.create(), service.base(), readKey(keyFile));
            Benchmark bench =
                new Benchmark(
                    size,
                    platform,
                    db,
                    elasticsearch,
                    indexPrefix,
                    outDir,
                    System.out,
                    sizing.seed);
            bench.run();
            report = bench.report();
            charted = bench.charted();
            readTenant = bench.readTenant();
          }
          CrmClient.JSON.writeValue(readTenantFile.toFile(), readTenant);
        }
        case "caches", "replay" -> {
          if (!Files.exists(readTenantFile)) {
            throw new IllegalStateException(
                readTenantFile
                    + " is missing: --phases caches reuses a full run's data; run once"
                    + " with --phases all and the same --out");
          }
          readTenant =
              CrmClient.JSON.readValue(readTenantFile.toFile(), DataGenerator.Tenant.class);
          System.out.printf(
              "[bench] %s phase only, on %s of the database %s%n",
              phases, readTenant.name(), dbName);
          report = new LinkedHashMap<>();
          report.put("size", size.name());
          report.put("phases", phases);
          charted = new java.util.ArrayList<>();
        }
        default ->
            throw new IllegalArgumentException("--phases must be all, caches or replay: " + phases);
      }
      if (!phases.equals("replay")) {
        CacheBench caches = new CacheBench(size, db, System.out, sizing.seed);
        Map<String, Object> cacheReport = new LinkedHashMap<>();
        for (boolean cached : List.of(true, false)) {
          try (ServiceProcess service =
              start(
                  db,
                  keyFile,
                  cached ? "service-caches-on.log" : "service-caches-off.log",
                  cached)) {
            CrmClient admin = new CrmClient(Http.create(), service.base(), readTenant.adminKey());
            cacheReport.put(
                cached ? "cachesOn" : "cachesOff",
                caches.run(admin, readTenant, cached ? "caches on" : "caches off", charted));
          }
        }
        report.put("cache", CacheBench.compare(cacheReport));
      }
      if (!phases.equals("caches")) {
        // Last: a rebuild replaces the search indexes the other phases measured.
        try (ServiceProcess service = start(db, keyFile, "service-replay.log", false)) {
          CrmClient platform = new CrmClient(Http.create(), service.base(), readKey(keyFile));
          Files.createDirectories(outDir.resolve("data"));
          DataGenerator generator =
              new DataGenerator(platform, size, outDir.resolve("data"), System.out, sizing.seed);
          report.put(
              "replay",
              new ReplayBench(db, System.out, generator).run(platform, readTenant, rebuilds));
        }
      }
      String name = phases.equals("all") ? size.name() : size.name() + "-" + phases;
      Path json = outDir.resolve("bench-" + name + ".json");
      Path png = outDir.resolve("bench-" + name + "-latency.png");
      Report.json(report, json);
      Report.chart("crm-core benchmark, size " + name, charted, png);
      Report.table(report, charted, System.out);
      System.out.printf("%nreport: %s%nchart:  %s%n", json, png);
      return 0;
    }

    private ServiceProcess start(Database db, Path keyFile, String log, boolean cached)
        throws Exception {
      ServiceProcess service =
          ServiceProcess.start(
              serviceJar,
              db,
              elasticsearch,
              indexPrefix,
              port,
              keyFile,
              outDir.resolve(log),
              serviceJavaOpts,
              List.of("--crm.cache.enabled=" + cached),
              System.out);
      service.awaitHealthy(Duration.ofMinutes(3));
      return service;
    }
  }

  static String readKey(Path file) throws java.io.IOException {
    return Files.readString(file, StandardCharsets.UTF_8).trim();
  }
}
