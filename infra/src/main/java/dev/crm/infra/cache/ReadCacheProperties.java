package dev.crm.infra.cache;

import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;

/**
 * {@code crm.cache.*}: lifetimes and memory bounds of the read caches. {@code memory} bounds each
 * cache's first level on every node (by the size of the cached bodies); Redis keeps every entry for
 * its lifetime at most.
 */
@ConfigurationProperties("crm.cache")
public record ReadCacheProperties(
    @DefaultValue("true") boolean enabled,
    @DefaultValue("crm:v1:") String keyPrefix,
    @DefaultValue("10m") Duration detailTtl,
    @DefaultValue("3m") Duration listTtl,
    @DefaultValue("2m") Duration searchTtl,
    @DefaultValue("15m") Duration dashboardTtl,
    @DefaultValue("32MB") DataSize detailMemory,
    @DefaultValue("32MB") DataSize listMemory,
    @DefaultValue("16MB") DataSize searchMemory,
    @DefaultValue("4MB") DataSize dashboardMemory,
    @DefaultValue("5s") Duration degradedTtl,
    @DefaultValue("2s") Duration searchRefreshDelay) {

  Map<CacheFamily, ReadCache.Settings> settings() {
    Map<CacheFamily, ReadCache.Settings> s = new EnumMap<>(CacheFamily.class);
    s.put(CacheFamily.DETAIL, new ReadCache.Settings(detailTtl, detailMemory.toBytes()));
    s.put(CacheFamily.LIST, new ReadCache.Settings(listTtl, listMemory.toBytes()));
    s.put(CacheFamily.SEARCH, new ReadCache.Settings(searchTtl, searchMemory.toBytes()));
    s.put(CacheFamily.DASHBOARD, new ReadCache.Settings(dashboardTtl, dashboardMemory.toBytes()));
    return s;
  }
}
