package dev.crm.domain.company;

import static dev.crm.domain.shared.Rejections.archived;
import static dev.crm.domain.shared.Rejections.invalidField;
import static dev.crm.domain.shared.Rejections.notFound;

import dev.crm.domain.company.CompanyCommands.ArchiveCompany;
import dev.crm.domain.company.CompanyCommands.CreateCompany;
import dev.crm.domain.company.CompanyCommands.RestoreCompany;
import dev.crm.domain.company.CompanyCommands.UpdateCompany;
import dev.crm.domain.company.CompanyEvent.CompanyArchived;
import dev.crm.domain.company.CompanyEvent.CompanyCreated;
import dev.crm.domain.company.CompanyEvent.CompanyRestored;
import dev.crm.domain.company.CompanyEvent.CompanyUpdated;
import dev.crm.domain.shared.AggregateArchived;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.stream.Stream;
import org.axonframework.test.aggregate.AggregateTestFixture;
import org.axonframework.test.aggregate.FixtureConfiguration;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class CompanyTest {
  private static final String TENANT = "tenant-a";
  private static final String OTHER_TENANT = "tenant-b";
  private static final String ID = "company-1";
  private static final Instant CREATED_AT = Instant.parse("2025-03-01T09:00:00Z");
  private static final Instant AT = Instant.parse("2025-03-02T10:00:00Z");

  private FixtureConfiguration<Company> fixture;

  @BeforeEach
  void setUp() {
    fixture = new AggregateTestFixture<>(Company.class);
  }

  // --- create ---------------------------------------------------------------------------------

  @Test
  void canCreateCompanyWithOnlyANameAndGetsDefaults() {
    fixture
        .givenNoPriorActivity()
        .when(
            new CreateCompany(
                ID, TENANT, "Acme", null, null, null, null, null, null, null, null, CREATED_AT))
        .expectEvents(created());
  }

  @Test
  void canCreateCompanyWithAllDetailsAndItsDomainIsLowerCased() {
    fixture
        .givenNoPriorActivity()
        .when(
            new CreateCompany(
                ID,
                TENANT,
                "Acme",
                " Acme-Corp.CO.uk ",
                "Manufacturing",
                SizeBand.S_51_200,
                120,
                new BigDecimal("2500000.00"),
                CompanyStatus.CUSTOMER,
                Priority.HIGH,
                "owner-1",
                CREATED_AT))
        .expectEvents(
            new CompanyCreated(
                ID,
                TENANT,
                "Acme",
                "acme-corp.co.uk",
                "Manufacturing",
                SizeBand.S_51_200,
                120,
                new BigDecimal("2500000.00"),
                CompanyStatus.CUSTOMER,
                Priority.HIGH,
                "owner-1",
                CREATED_AT));
  }

  @Test
  void cannotCreateCompanyWithoutName() {
    fixture
        .givenNoPriorActivity()
        .when(createNamed("  "))
        .expectException(invalidField("name"))
        .expectExceptionMessage("name: is required")
        .expectNoEvents();
  }

  @Test
  void cannotCreateCompanyWithNameLongerThanTwoHundredCharacters() {
    fixture
        .givenNoPriorActivity()
        .when(createNamed("A".repeat(201)))
        .expectException(invalidField("name"))
        .expectNoEvents();
  }

  @ParameterizedTest(name = "cannot create a company with domain \"{0}\"")
  @ValueSource(
      strings = {
        "localhost",
        "https://acme.com",
        "sales@acme.com",
        "acme.com/about",
        "acme..com",
        "-acme.com",
        "acme_corp.com",
        ""
      })
  void cannotCreateCompanyWithDomainThatIsNotAHostName(String domain) {
    fixture
        .givenNoPriorActivity()
        .when(
            new CreateCompany(
                ID, TENANT, "Acme", domain, null, null, null, null, null, null, null, CREATED_AT))
        .expectException(invalidField("domain"))
        .expectNoEvents();
  }

  @Test
  void cannotCreateCompanyWithIndustryLongerThanTwoHundredCharacters() {
    fixture
        .givenNoPriorActivity()
        .when(
            new CreateCompany(
                ID,
                TENANT,
                "Acme",
                null,
                "x".repeat(201),
                null,
                null,
                null,
                null,
                null,
                null,
                CREATED_AT))
        .expectException(invalidField("industry"))
        .expectNoEvents();
  }

  @Test
  void cannotCreateCompanyWithNegativeEmployeeCount() {
    fixture
        .givenNoPriorActivity()
        .when(
            new CreateCompany(
                ID, TENANT, "Acme", null, null, null, -1, null, null, null, null, CREATED_AT))
        .expectException(invalidField("employeeCount"))
        .expectExceptionMessage("employeeCount: must not be negative")
        .expectNoEvents();
  }

  @Test
  void cannotCreateCompanyWithNegativeAnnualRevenue() {
    fixture
        .givenNoPriorActivity()
        .when(
            new CreateCompany(
                ID,
                TENANT,
                "Acme",
                null,
                null,
                null,
                null,
                new BigDecimal("-0.01"),
                null,
                null,
                null,
                CREATED_AT))
        .expectException(invalidField("annualRevenue"))
        .expectNoEvents();
  }

  // --- update ---------------------------------------------------------------------------------

  @Test
  void canUpdateCompanyAndTheEventCarriesOnlyTheChanges() {
    fixture
        .given(created())
        .when(
            new UpdateCompany(
                ID,
                TENANT,
                null,
                "Acme",
                "ACME.com",
                null,
                SizeBand.S_11_50,
                null,
                null,
                CompanyStatus.CUSTOMER,
                Priority.MEDIUM,
                null,
                AT))
        .expectEvents(
            new CompanyUpdated(
                ID,
                TENANT,
                null,
                "acme.com",
                null,
                SizeBand.S_11_50,
                null,
                null,
                CompanyStatus.CUSTOMER,
                null,
                null,
                AT))
        .expectResultMessagePayload(1L);
  }

  @Test
  void canUpdateEveryFieldOfACompany() {
    fixture
        .given(created())
        .when(
            new UpdateCompany(
                ID,
                TENANT,
                null,
                "Acme Ltd",
                "acme.io",
                "Retail",
                SizeBand.S_5001_PLUS,
                7000,
                new BigDecimal("1E9"),
                CompanyStatus.PARTNER,
                Priority.LOW,
                "owner-2",
                AT))
        .expectEvents(
            new CompanyUpdated(
                ID,
                TENANT,
                "Acme Ltd",
                "acme.io",
                "Retail",
                SizeBand.S_5001_PLUS,
                7000,
                new BigDecimal("1E9"),
                CompanyStatus.PARTNER,
                Priority.LOW,
                "owner-2",
                AT));
  }

  @Test
  void updatingCompanyWithItsCurrentValuesEmitsNothing() {
    fixture
        .given(
            created(),
            new CompanyUpdated(
                ID,
                TENANT,
                null,
                "acme.com",
                null,
                null,
                null,
                new BigDecimal("1000000"),
                null,
                null,
                null,
                AT))
        .when(
            new UpdateCompany(
                ID,
                TENANT,
                null,
                "Acme",
                "Acme.com",
                null,
                null,
                null,
                new BigDecimal("1000000.00"),
                CompanyStatus.PROSPECT,
                Priority.MEDIUM,
                null,
                AT))
        .expectNoEvents()
        .expectResultMessagePayload(1L);
  }

  @Test
  void cannotBlankTheNameOfACompany() {
    fixture
        .given(created())
        .when(update("", null))
        .expectException(invalidField("name"))
        .expectNoEvents();
  }

  @Test
  void cannotUpdateCompanyWithDomainThatIsNotAHostName() {
    fixture
        .given(created())
        .when(update(null, "www.acme.com:8080"))
        .expectException(invalidField("domain"))
        .expectNoEvents();
  }

  @Test
  void cannotUpdateCompanyWithNegativeEmployeeCount() {
    fixture
        .given(created())
        .when(
            new UpdateCompany(
                ID, TENANT, null, null, null, null, null, -5, null, null, null, null, AT))
        .expectException(invalidField("employeeCount"))
        .expectNoEvents();
  }

  @Test
  void cannotUpdateCompanyWithNegativeAnnualRevenue() {
    fixture
        .given(created())
        .when(
            new UpdateCompany(
                ID,
                TENANT,
                null,
                null,
                null,
                null,
                null,
                null,
                BigDecimal.valueOf(-1),
                null,
                null,
                null,
                AT))
        .expectException(invalidField("annualRevenue"))
        .expectNoEvents();
  }

  @Test
  void cannotRenameArchivedCompany() {
    fixture
        .given(created(), new CompanyArchived(ID, TENANT, AT))
        .when(update("Acme Ltd", null))
        .expectException(archived("company", ID))
        .expectException(AggregateArchived.class)
        .expectExceptionMessage("company " + ID + " is archived; restore it before changing it")
        .expectNoEvents();
  }

  // --- archive and restore --------------------------------------------------------------------

  @Test
  void canArchiveActiveCompany() {
    fixture
        .given(created())
        .when(new ArchiveCompany(ID, TENANT, null, AT))
        .expectEvents(new CompanyArchived(ID, TENANT, AT))
        .expectResultMessagePayload(1L);
  }

  @Test
  void archivingArchivedCompanyEmitsNothing() {
    fixture
        .given(created(), new CompanyArchived(ID, TENANT, AT))
        .when(new ArchiveCompany(ID, TENANT, null, AT))
        .expectNoEvents()
        .expectResultMessagePayload(1L);
  }

  @Test
  void canRestoreArchivedCompany() {
    fixture
        .given(created(), new CompanyArchived(ID, TENANT, AT))
        .when(new RestoreCompany(ID, TENANT, null, AT))
        .expectEvents(new CompanyRestored(ID, TENANT, AT))
        .expectResultMessagePayload(2L);
  }

  @Test
  void restoringActiveCompanyEmitsNothing() {
    fixture
        .given(created())
        .when(new RestoreCompany(ID, TENANT, null, AT))
        .expectNoEvents()
        .expectResultMessagePayload(0L);
  }

  @Test
  void restoredCompanyCanBeRenamedAgain() {
    fixture
        .given(created(), new CompanyArchived(ID, TENANT, AT), new CompanyRestored(ID, TENANT, AT))
        .when(update("Acme Ltd", null))
        .expectEvents(
            new CompanyUpdated(
                ID, TENANT, "Acme Ltd", null, null, null, null, null, null, null, null, AT))
        .expectResultMessagePayload(3L);
  }

  // --- tenancy --------------------------------------------------------------------------------

  @ParameterizedTest(name = "another tenant cannot {0}")
  @MethodSource("everyCommandOfAnotherTenant")
  void companyOfAnotherTenantIsNotFound(Object command) {
    fixture
        .given(created())
        .when(command)
        .expectException(notFound("company", ID))
        .expectExceptionMessage("company " + ID + " not found")
        .expectNoEvents();
  }

  static Stream<Named<Object>> everyCommandOfAnotherTenant() {
    return Stream.of(
        Named.of(
            "update",
            new UpdateCompany(
                ID,
                OTHER_TENANT,
                null,
                "Mine now",
                null,
                null,
                null,
                null,
                null,
                null,
                null,
                null,
                AT)),
        Named.of("archive", new ArchiveCompany(ID, OTHER_TENANT, null, AT)),
        Named.of("restore", new RestoreCompany(ID, OTHER_TENANT, null, AT)));
  }

  // --- fixtures -------------------------------------------------------------------------------

  /** The company as created from a name alone, with every default. */
  private static CompanyCreated created() {
    return new CompanyCreated(
        ID,
        TENANT,
        "Acme",
        null,
        null,
        null,
        null,
        null,
        CompanyStatus.PROSPECT,
        Priority.MEDIUM,
        null,
        CREATED_AT);
  }

  private static CreateCompany createNamed(String name) {
    return new CreateCompany(
        ID, TENANT, name, null, null, null, null, null, null, null, null, CREATED_AT);
  }

  private static UpdateCompany update(String name, String domain) {
    return new UpdateCompany(
        ID, TENANT, null, name, domain, null, null, null, null, null, null, null, AT);
  }
}
