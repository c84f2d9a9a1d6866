package dev.crm.command.imports;

import static dev.crm.db.jooq.Tables.IMPORT_JOB;
import static dev.crm.db.jooq.Tables.IMPORT_ROW_ERROR;

import dev.crm.command.contact.EventStoreCompanies;
import dev.crm.command.contact.JooqPrimaryEmails;
import dev.crm.command.customfield.EventStoreCustomFieldSchemas;
import dev.crm.domain.contact.ContactCommands.CreateContact;
import dev.crm.domain.contact.ContactCommands.UpdateContactDetails;
import dev.crm.domain.customfield.CustomFieldRules;
import dev.crm.domain.shared.DomainException;
import dev.crm.domain.shared.InvalidField;
import dev.crm.infra.axon.MetaDataKeys;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Function;
import org.axonframework.commandhandling.CommandExecutionException;
import org.axonframework.commandhandling.GenericCommandMessage;
import org.axonframework.commandhandling.gateway.CommandGateway;
import org.axonframework.common.transaction.TransactionManager;
import org.axonframework.messaging.ResultMessage;
import org.axonframework.messaging.unitofwork.DefaultUnitOfWork;
import org.axonframework.messaging.unitofwork.RollbackConfigurationType;
import org.axonframework.modelling.command.AggregateStreamCreationException;
import org.jooq.DSLContext;
import org.springframework.stereotype.Component;

/**
 * The bulk write path. One batch of rows becomes one Axon unit of work: the commands run nested in
 * it, so their events are appended together in one batched JDBC insert at commit, in the same
 * transaction as the rows' error reports and the job's checkpoint. A crash therefore loses or keeps
 * a whole batch, never half of one, and the job resumes after its last checkpoint.
 *
 * <p>New contacts get ids derived from (job, line): a row that is run again after a crash targets
 * the contact it already created and cannot create a second one.
 */
@Component
class ImportBatchWriter {
  private final CommandGateway commands;
  private final TransactionManager transactionManager;
  private final DSLContext db;
  private final Clock clock;
  private final JooqPrimaryEmails primaryEmails;
  private final EventStoreCompanies companies;
  private final EventStoreCustomFieldSchemas customFieldSchemas;

  ImportBatchWriter(
      CommandGateway commands,
      TransactionManager transactionManager,
      DSLContext db,
      Clock clock,
      JooqPrimaryEmails primaryEmails,
      EventStoreCompanies companies,
      EventStoreCustomFieldSchemas customFieldSchemas) {
    this.commands = commands;
    this.transactionManager = transactionManager;
    this.db = db;
    this.clock = clock;
    this.primaryEmails = primaryEmails;
    this.companies = companies;
    this.customFieldSchemas = customFieldSchemas;
  }

  /** A claimed job as the writer needs it. */
  record Job(
      UUID id,
      UUID tenantId,
      String actorId,
      String leaseOwner,
      java.time.Duration lease,
      ImportOptions options) {}

  /** Where the batch ends in the file. */
  record Checkpoint(long lastLine, long bytesDone) {}

  /** Thrown when another node took the job over: this node must stop working on it. */
  static final class LeaseLost extends RuntimeException {
    LeaseLost(UUID job) {
      super("lease on import " + job + " was lost", null, false, false);
    }
  }

  /** The outcome of one row: written, or refused with a field and reason. */
  private record Outcome(ImportRow row, Object command, InvalidField refusal) {}

  /** Writes one batch; answers whether the job was asked to cancel. */
  boolean write(Job job, List<ImportRow> rows, Checkpoint checkpoint) {
    CustomFieldRules rules = customFieldSchemas.contactRules(job.tenantId().toString());
    List<Outcome> planned = plan(job, rows, rules);
    Instant at = clock.instant();
    ResultMessage<Boolean> batch =
        inUnitOfWork(
            () -> {
              customFieldSchemas.remember(job.tenantId().toString(), rules);
              preclaim(job, planned);
              for (Outcome o : planned) {
                if (o.command() != null) {
                  send(job, o.command());
                }
              }
              return record(job, planned, checkpoint, at);
            });
    if (!batch.isExceptional()) {
      return batch.getPayload();
    }
    if (batch.exceptionResult() instanceof LeaseLost lost) {
      throw lost;
    }
    // A row the checks above let through was refused after all (a concurrent change): redo the
    // batch row by row, each in its own transaction, so the good rows still land.
    List<Outcome> outcomes = new ArrayList<>();
    for (Outcome o : planned) {
      outcomes.add(o.command() == null ? o : sendAlone(job, o));
    }
    ResultMessage<Boolean> recorded = inUnitOfWork(() -> record(job, outcomes, checkpoint, at));
    if (recorded.isExceptional()) {
      throw asRuntime(recorded.exceptionResult());
    }
    return recorded.getPayload();
  }

  /**
   * Claims the new contacts' emails with one statement instead of one per contact, and looks up
   * their companies with one query.
   */
  private void preclaim(Job job, List<Outcome> planned) {
    Map<String, String> emails = new HashMap<>();
    List<String> companyIds = new ArrayList<>();
    for (Outcome o : planned) {
      if (o.command() instanceof CreateContact create) {
        emails.put(create.primaryEmail(), create.contactId());
        if (create.companyId() != null) {
          companyIds.add(create.companyId());
        }
      }
    }
    companies.preload(job.tenantId().toString(), companyIds);
    if (!emails.isEmpty()) {
      // Emails claimed meanwhile by others fail their row's own claim, which sends the batch
      // down the row-by-row path.
      primaryEmails.claimAll(job.tenantId().toString(), emails);
    }
  }

  /**
   * Decides per row: create, update, or refuse (bad row, duplicate email, custom values the
   * tenant's field definitions refuse).
   */
  private List<Outcome> plan(Job job, List<ImportRow> rows, CustomFieldRules rules) {
    List<String> emails = new ArrayList<>();
    for (ImportRow row : rows) {
      if (row instanceof ImportRow.Valid v) {
        emails.add(v.email());
      }
    }
    Map<String, UUID> holders = primaryEmails.holders(job.tenantId().toString(), emails);
    Map<String, Long> firstLine = new HashMap<>();
    List<Outcome> planned = new ArrayList<>(rows.size());
    for (ImportRow row : rows) {
      if (row instanceof ImportRow.Invalid bad) {
        planned.add(new Outcome(row, null, new InvalidField(bad.field(), bad.reason())));
        continue;
      }
      ImportRow.Valid v = (ImportRow.Valid) row;
      UUID ownId = contactId(job, v.line());
      Long earlier = firstLine.putIfAbsent(v.email(), v.line());
      UUID holder = holders.get(v.email());
      if (earlier != null) {
        planned.add(refused(row, "email", "duplicate of line " + earlier + " in this file"));
      } else if (holder == null) {
        planned.add(checked(row, v.customFields(), rules, custom -> create(job, ownId, v, custom)));
      } else if (holder.equals(ownId)) {
        // This row created the contact before a crash, in a batch whose checkpoint was lost
        // with it (the claim commits with the events): it counts as done, not as a duplicate.
        planned.add(new Outcome(row, null, null));
      } else {
        planned.add(
            switch (job.options().dedupe()) {
              case UPDATE ->
                  v.customFields().isEmpty()
                      ? new Outcome(row, update(job, holder, v, null), null)
                      : checked(
                          row, v.customFields(), rules, custom -> update(job, holder, v, custom));
              case SKIP ->
                  refused(row, "email", "contact " + holder + " has this primary email; skipped");
              case CREATE ->
                  refused(row, "email", "contact " + holder + " already has this primary email");
            });
      }
    }
    return planned;
  }

  /**
   * The row's command with its custom values in canonical form, or the row refused naming the
   * custom field that broke the tenant's rules; the map replaces the contact's, so required fields
   * must be in it.
   */
  private static Outcome checked(
      ImportRow row,
      Map<String, String> values,
      CustomFieldRules rules,
      Function<Map<String, String>, Object> command) {
    try {
      return new Outcome(row, command.apply(rules.canonical(values)), null);
    } catch (InvalidField refused) {
      return new Outcome(row, null, refused);
    }
  }

  private static Outcome refused(ImportRow row, String field, String reason) {
    return new Outcome(row, null, new InvalidField(field, reason));
  }

  private CreateContact create(
      Job job, UUID id, ImportRow.Valid v, Map<String, String> customFields) {
    return new CreateContact(
        id.toString(),
        job.tenantId().toString(),
        v.firstName(),
        v.lastName(),
        v.email(),
        v.emails(),
        v.phones(),
        v.companyId(),
        v.ownerId(),
        v.lifecycleStage(),
        v.leadScore(),
        v.tags(),
        v.optIns(),
        customFields,
        clock.instant());
  }

  /** {@code customFields} {@code null} leaves the contact's custom values as they are. */
  private UpdateContactDetails update(
      Job job, UUID id, ImportRow.Valid v, Map<String, String> customFields) {
    return new UpdateContactDetails(
        id.toString(),
        job.tenantId().toString(),
        null,
        v.firstName(),
        v.lastName(),
        null,
        v.emails().isEmpty() ? null : v.emails(),
        v.phones().isEmpty() ? null : v.phones(),
        v.ownerId(),
        v.leadScore(),
        v.optIns(),
        customFields,
        clock.instant());
  }

  static UUID contactId(Job job, long line) {
    return UUID.nameUUIDFromBytes(
        ("import:" + job.id() + ":" + line).getBytes(StandardCharsets.UTF_8));
  }

  private void send(Job job, Object command) {
    var message =
        GenericCommandMessage.asCommandMessage(command)
            .andMetaData(
                Map.of(
                    MetaDataKeys.TENANT_ID, job.tenantId().toString(),
                    MetaDataKeys.ACTOR_ID, job.actorId(),
                    MetaDataKeys.REQUEST_ID, "import:" + job.id()));
    try {
      commands.sendAndWait(message);
    } catch (CommandExecutionException e) {
      throw asRuntime(e.getCause() == null ? e : e.getCause());
    }
  }

  private Outcome sendAlone(Job job, Outcome o) {
    ResultMessage<Void> result =
        inUnitOfWork(
            () -> {
              send(job, o.command());
              return null;
            });
    if (!result.isExceptional()
        || result.exceptionResult() instanceof AggregateStreamCreationException) {
      return o;
    }
    Throwable failure = result.exceptionResult();
    if (failure instanceof InvalidField invalid) {
      return new Outcome(o.row(), null, invalid);
    }
    if (failure instanceof DomainException refused) {
      return refused(o.row(), "email", refused.getMessage());
    }
    throw asRuntime(failure);
  }

  /** Stores the batch's refusals and moves the checkpoint, if this node still holds the lease. */
  private boolean record(Job job, List<Outcome> outcomes, Checkpoint checkpoint, Instant at) {
    long failed = 0;
    var errors =
        db.insertInto(
            IMPORT_ROW_ERROR,
            IMPORT_ROW_ERROR.JOB_ID,
            IMPORT_ROW_ERROR.LINE,
            IMPORT_ROW_ERROR.FIELD,
            IMPORT_ROW_ERROR.REASON);
    for (Outcome o : outcomes) {
      if (o.refusal() != null) {
        failed++;
        errors = errors.values(job.id(), o.row().line(), o.refusal().field(), o.refusal().reason());
      }
    }
    if (failed > 0) {
      errors.onConflictDoNothing().execute();
    }
    OffsetDateTime now = at.atOffset(java.time.ZoneOffset.UTC);
    Boolean cancel =
        db.update(IMPORT_JOB)
            .set(IMPORT_JOB.LINES_DONE, checkpoint.lastLine())
            .set(IMPORT_JOB.BYTES_DONE, checkpoint.bytesDone())
            .set(IMPORT_JOB.ROWS_READ, IMPORT_JOB.ROWS_READ.plus(outcomes.size()))
            .set(
                IMPORT_JOB.ROWS_SUCCEEDED, IMPORT_JOB.ROWS_SUCCEEDED.plus(outcomes.size() - failed))
            .set(IMPORT_JOB.ROWS_FAILED, IMPORT_JOB.ROWS_FAILED.plus(failed))
            .set(IMPORT_JOB.LEASE_UNTIL, now.plus(job.lease()))
            .set(IMPORT_JOB.UPDATED_AT, now)
            .where(IMPORT_JOB.ID.eq(job.id()), IMPORT_JOB.LEASE_OWNER.eq(job.leaseOwner()))
            .returning(IMPORT_JOB.CANCEL_REQUESTED)
            .fetchOptional(IMPORT_JOB.CANCEL_REQUESTED)
            .orElseThrow(() -> new LeaseLost(job.id()));
    return cancel;
  }

  private <R> ResultMessage<R> inUnitOfWork(java.util.concurrent.Callable<R> work) {
    DefaultUnitOfWork<?> uow = DefaultUnitOfWork.startAndGet(null);
    uow.attachTransaction(transactionManager);
    return uow.executeWithResult(work, RollbackConfigurationType.ANY_THROWABLE);
  }

  private static RuntimeException asRuntime(Throwable t) {
    return t instanceof RuntimeException r ? r : new IllegalStateException(t);
  }
}
