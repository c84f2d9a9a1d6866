package dev.crm.infra.axon;

import static org.jooq.impl.DSL.field;
import static org.jooq.impl.DSL.name;
import static org.jooq.impl.DSL.table;

import org.jooq.Field;
import org.jooq.Table;

/**
 * Axon's JDBC token store table ({@code tokenentry}, V1), for the places that read or move
 * processors' tokens directly: positions, cluster-wide pause, rebuild hand-over. Axon writes it, so
 * it has no generated jOOQ class.
 */
public final class TokenTable {
  public static final Table<?> TOKENS = table(name("tokenentry"));
  public static final Field<String> PROCESSOR = field(name("processorname"), String.class);
  public static final Field<Integer> SEGMENT = field(name("segment"), Integer.class);
  public static final Field<byte[]> TOKEN = field(name("token"), byte[].class);
  public static final Field<String> TOKEN_TYPE = field(name("tokentype"), String.class);
  public static final Field<String> OWNER = field(name("owner"), String.class);
  public static final Field<String> TIMESTAMP = field(name("timestamp"), String.class);

  private TokenTable() {}
}
