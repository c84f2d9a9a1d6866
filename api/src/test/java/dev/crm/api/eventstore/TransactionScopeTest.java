package dev.crm.api.eventstore;

import static org.assertj.core.api.Assertions.assertThat;

import dev.crm.api.ApiTestSupport;
import dev.crm.command.contact.JooqPrimaryEmails;
import java.util.Map;
import java.util.UUID;
import org.axonframework.common.transaction.TransactionManager;
import org.axonframework.messaging.unitofwork.DefaultUnitOfWork;
import org.axonframework.messaging.unitofwork.RollbackConfigurationType;
import org.axonframework.spring.messaging.unitofwork.SpringTransactionManager;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;

/** jOOQ writes made inside an Axon unit of work commit and roll back with it. */
class TransactionScopeTest extends ApiTestSupport {
  @Autowired JooqPrimaryEmails primaryEmails;
  @Autowired TransactionManager transactionManager;
  @Autowired JdbcTemplate jdbc;

  @Test
  void axonRunsInSpringTransactions() {
    assertThat(transactionManager).isInstanceOf(SpringTransactionManager.class);
  }

  @Test
  void claimsMadeInARolledBackUnitOfWorkAreGone() {
    String tenant = UUID.randomUUID().toString();
    String email = uniqueEmail();
    DefaultUnitOfWork<?> uow = DefaultUnitOfWork.startAndGet(null);
    uow.attachTransaction(transactionManager);

    var result =
        uow.executeWithResult(
            () -> {
              primaryEmails.claimAll(tenant, Map.of(email, UUID.randomUUID().toString()));
              throw new IllegalStateException("roll back");
            },
            RollbackConfigurationType.ANY_THROWABLE);

    assertThat(result.isExceptional()).isTrue();
    assertThat(
            jdbc.queryForObject(
                "select count(*) from contact_email_claim where tenant_id = ?::uuid",
                Long.class,
                tenant))
        .isZero();
  }
}
