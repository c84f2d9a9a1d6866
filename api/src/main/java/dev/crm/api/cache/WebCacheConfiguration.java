package dev.crm.api.cache;

import org.springframework.context.annotation.Configuration;
import org.springframework.web.servlet.config.annotation.InterceptorRegistry;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;

/** Registers the read cache in front of the controllers. */
@Configuration(proxyBeanMethods = false)
public class WebCacheConfiguration implements WebMvcConfigurer {
  private final ReadCacheInterceptor readCache;

  public WebCacheConfiguration(ReadCacheInterceptor readCache) {
    this.readCache = readCache;
  }

  @Override
  public void addInterceptors(InterceptorRegistry registry) {
    registry.addInterceptor(readCache).addPathPatterns("/api/**");
  }
}
