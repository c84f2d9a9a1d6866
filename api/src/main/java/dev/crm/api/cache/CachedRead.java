package dev.crm.api.cache;

import dev.crm.infra.cache.CacheFamily;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a GET endpoint whose answers are cached ({@link ReadCacheInterceptor}): in {@code cache},
 * retired with {@code scope} ({@code contact:{id}} names one contact by the path variable {@code
 * id}; {@code contacts} all of the caller's tenant's contact lists).
 */
@Target(ElementType.METHOD)
@Retention(RetentionPolicy.RUNTIME)
public @interface CachedRead {
  CacheFamily cache();

  String scope();
}
