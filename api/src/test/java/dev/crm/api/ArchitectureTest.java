package dev.crm.api;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.Architectures.layeredArchitecture;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

/**
 * Keeps the module dependencies one-way: api → command-side, query-side; projections → domain, db,
 * infra; query-side → db, infra; domain → nothing but Axon's modelling API.
 */
@AnalyzeClasses(packages = "dev.crm", importOptions = ImportOption.DoNotIncludeTests.class)
class ArchitectureTest {

  @ArchTest
  static final ArchRule layers =
      layeredArchitecture()
          .consideringOnlyDependenciesInAnyPackage("dev.crm..")
          .layer("api")
          .definedBy("dev.crm.api..")
          .layer("command-side")
          .definedBy("dev.crm.command..")
          .layer("query-side")
          .definedBy("dev.crm.query..")
          .layer("projections")
          .definedBy("dev.crm.projections..")
          .layer("infra")
          .definedBy("dev.crm.infra..")
          .layer("db")
          .definedBy("dev.crm.db..")
          .layer("domain")
          .definedBy("dev.crm.domain..")
          .whereLayer("api")
          .mayNotBeAccessedByAnyLayer()
          .whereLayer("projections")
          .mayNotBeAccessedByAnyLayer()
          .whereLayer("command-side")
          .mayOnlyBeAccessedByLayers("api")
          .whereLayer("query-side")
          .mayOnlyBeAccessedByLayers("api")
          .whereLayer("infra")
          .mayOnlyBeAccessedByLayers("api", "command-side", "query-side", "projections")
          .whereLayer("db")
          .mayOnlyBeAccessedByLayers("infra", "command-side", "query-side", "projections", "api")
          .whereLayer("domain")
          .mayOnlyBeAccessedByLayers("api", "command-side", "projections");

  @ArchTest
  static final ArchRule domainIsFreeOfFrameworks =
      noClasses()
          .that()
          .resideInAPackage("dev.crm.domain..")
          .should()
          .dependOnClassesThat()
          .resideInAnyPackage(
              "org.springframework..",
              "org.jooq..",
              "jakarta..",
              "com.fasterxml..",
              "tools.jackson..",
              "java.sql..")
          .because("the domain is plain Java plus Axon's modelling annotations");

  @ArchTest
  static final ArchRule queriesNeverSendCommands =
      noClasses()
          .that()
          .resideInAPackage("dev.crm.query..")
          .should()
          .dependOnClassesThat()
          .resideInAnyPackage("org.axonframework.commandhandling..", "dev.crm.domain..")
          .because("the read side answers from read models and never changes state");

  @ArchTest
  static final ArchRule projectionsDoNotReadTheApi =
      noClasses()
          .that()
          .resideInAPackage("dev.crm.projections..")
          .should()
          .dependOnClassesThat()
          .resideInAnyPackage("org.springframework.web..")
          .because("projections are fed by events only");
}
