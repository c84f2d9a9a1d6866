package dev.crm.api.auth;

import static dev.crm.db.jooq.Tables.API_KEY;
import static dev.crm.db.jooq.Tables.TENANT;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jooq.DSLContext;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * API keys: issued once, stored as the SHA-256 of their secret. Keys carry 256 random bits, so a
 * fast hash is enough (a slow password hash would only slow every request down); the key id in the
 * key finds the row without scanning.
 */
@Service
public class ApiKeys {
  /** {@code crm_<16 hex key id>_<43 base64url secret>}. */
  private static final Pattern KEY = Pattern.compile("^crm_([0-9a-f]{16})_([A-Za-z0-9_-]{43})$");

  /** The key id under which a key set by CRM_BOOTSTRAP_ADMIN_KEY is stored. */
  static final String BOOTSTRAP_ID = "bootstrap";

  /** Revocations reach every node within this time, since each node caches lookups. */
  private static final Duration LOOKUP_CACHE_TTL = Duration.ofSeconds(30);

  private final DSLContext db;
  private final Clock clock;
  private final SecureRandom random = new SecureRandom();
  private final Cache<String, Optional<StoredKey>> lookups =
      Caffeine.newBuilder().maximumSize(10_000).expireAfterWrite(LOOKUP_CACHE_TTL).build();

  public ApiKeys(DSLContext db, Clock clock) {
    this.db = db;
    this.clock = clock;
  }

  /** A newly issued key; {@code secret} is the whole key and is shown only once. */
  public record IssuedKey(String id, String tenantId, Role role, String secret) {}

  /** A key as listed to admins: never the secret. */
  public record KeySummary(
      String id, String name, Role role, OffsetDateTime createdAt, OffsetDateTime revokedAt) {}

  public record Tenant(String id, String name, IssuedKey adminKey) {}

  private record StoredKey(String tenantId, Role role, byte[] hash, boolean revoked) {}

  /** The caller a bearer token stands for, if it is a live key. */
  public Optional<Caller> authenticate(String token) {
    Matcher m = KEY.matcher(token);
    String id = m.matches() ? m.group(1) : BOOTSTRAP_ID;
    String secret = m.matches() ? m.group(2) : token;
    Optional<StoredKey> stored = lookups.get(id, this::load);
    return stored
        .filter(k -> !k.revoked())
        .filter(k -> MessageDigest.isEqual(k.hash(), sha256(secret)))
        .map(k -> new Caller(id, k.tenantId(), k.role()));
  }

  @Transactional
  public Tenant createTenant(String name) {
    UUID id = UUID.randomUUID();
    db.insertInto(TENANT)
        .set(TENANT.ID, id)
        .set(TENANT.NAME, name)
        .set(TENANT.CREATED_AT, now())
        .execute();
    IssuedKey admin = issue(id.toString(), "initial admin key", Role.ADMIN);
    return new Tenant(id.toString(), name, admin);
  }

  public IssuedKey issue(String tenantId, String name, Role role) {
    String id = HexFormat.of().formatHex(randomBytes(8));
    String secret = Base64.getUrlEncoder().withoutPadding().encodeToString(randomBytes(32));
    insert(id, tenantId, name, role, sha256(secret));
    return new IssuedKey(id, tenantId, role, "crm_" + id + "_" + secret);
  }

  public List<KeySummary> list(String tenantId) {
    return db.select(API_KEY.ID, API_KEY.NAME, API_KEY.ROLE, API_KEY.CREATED_AT, API_KEY.REVOKED_AT)
        .from(API_KEY)
        .where(API_KEY.TENANT_ID.eq(UUID.fromString(tenantId)))
        .orderBy(API_KEY.CREATED_AT, API_KEY.ID)
        .fetch(
            r ->
                new KeySummary(
                    r.value1(), r.value2(), Role.fromDb(r.value3()), r.value4(), r.value5()));
  }

  /** Revokes a key of the tenant; false if the tenant has no such key. */
  public boolean revoke(String tenantId, String keyId) {
    int updated =
        db.update(API_KEY)
            .set(API_KEY.REVOKED_AT, now())
            .where(
                API_KEY.ID.eq(keyId),
                API_KEY.TENANT_ID.eq(UUID.fromString(tenantId)),
                API_KEY.REVOKED_AT.isNull())
            .execute();
    lookups.invalidate(keyId);
    return updated == 1;
  }

  /** Stores the operator-chosen platform key, replacing an earlier one. */
  void putBootstrapKey(String secret) {
    db.insertInto(API_KEY)
        .set(API_KEY.ID, BOOTSTRAP_ID)
        .set(API_KEY.NAME, "CRM_BOOTSTRAP_ADMIN_KEY")
        .set(API_KEY.ROLE, Role.PLATFORM_ADMIN.dbName())
        .set(API_KEY.SECRET_HASH, sha256(secret))
        .set(API_KEY.CREATED_AT, now())
        .onConflict(API_KEY.ID)
        .doUpdate()
        .set(API_KEY.SECRET_HASH, sha256(secret))
        .set(API_KEY.REVOKED_AT, (OffsetDateTime) null)
        .execute();
    lookups.invalidate(BOOTSTRAP_ID);
  }

  private void insert(String id, String tenantId, String name, Role role, byte[] hash) {
    db.insertInto(API_KEY)
        .set(API_KEY.ID, id)
        .set(API_KEY.TENANT_ID, tenantId == null ? null : UUID.fromString(tenantId))
        .set(API_KEY.NAME, name)
        .set(API_KEY.ROLE, role.dbName())
        .set(API_KEY.SECRET_HASH, hash)
        .set(API_KEY.CREATED_AT, now())
        .execute();
  }

  private Optional<StoredKey> load(String id) {
    return db.select(API_KEY.TENANT_ID, API_KEY.ROLE, API_KEY.SECRET_HASH, API_KEY.REVOKED_AT)
        .from(API_KEY)
        .where(API_KEY.ID.eq(id))
        .fetchOptional(
            r ->
                new StoredKey(
                    r.value1() == null ? null : r.value1().toString(),
                    Role.fromDb(r.value2()),
                    r.value3(),
                    r.value4() != null));
  }

  private OffsetDateTime now() {
    return OffsetDateTime.now(clock);
  }

  private byte[] randomBytes(int n) {
    byte[] bytes = new byte[n];
    random.nextBytes(bytes);
    return bytes;
  }

  private static byte[] sha256(String secret) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(secret.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JVM has SHA-256", e);
    }
  }
}
