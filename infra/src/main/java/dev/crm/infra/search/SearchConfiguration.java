package dev.crm.infra.search;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
import co.elastic.clients.json.jackson.JacksonJsonpMapper;
import co.elastic.clients.transport.ElasticsearchTransport;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;

/**
 * The Elasticsearch client every side shares. Timeouts are short on purpose: while Elasticsearch is
 * down, a search must answer 503 at once and the search projection must fail its batch (and retry
 * it later) instead of holding a processor thread.
 */
@org.springframework.context.annotation.Configuration(proxyBeanMethods = false)
public class SearchConfiguration {

  @Bean(destroyMethod = "close")
  public ElasticsearchTransport elasticsearchTransport(
      @Value("${crm.search.url:http://127.0.0.1:9200}") String url,
      @Value("${crm.search.connect-timeout-ms:1000}") int connectTimeout,
      @Value("${crm.search.socket-timeout-ms:10000}") int socketTimeout) {
    ObjectMapper mapper =
        new ObjectMapper()
            .registerModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
    return new BlockingHttpTransport(
        url, connectTimeout, socketTimeout, 64, new JacksonJsonpMapper(mapper));
  }

  @Bean
  public ElasticsearchClient elasticsearchClient(ElasticsearchTransport transport) {
    return new ElasticsearchClient(transport);
  }
}
