package io.vitalwire.fhirserver;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.autoconfigure.elasticsearch.ElasticsearchRestClientAutoConfiguration;
import org.springframework.boot.autoconfigure.orm.jpa.HibernateJpaAutoConfiguration;

/**
 * A real FHIR R4 server for tests and the local demo: HAPI FHIR's JPA engine in an embedded
 * Tomcat. HAPI publishes the engine but no runnable server, so we host it here.
 *
 * <p>Configuration lives in {@link JpaStorageConfig} (database and HAPI's JPA beans) and
 * {@link FhirRestConfig} (the FHIR REST servlet); defaults in {@code application.properties}.
 */
@SpringBootApplication(
    exclude = {
      // HAPI needs its own EntityManagerFactory (JpaStorageConfig); Boot's would compete with it.
      HibernateJpaAutoConfiguration.class,
      // Hibernate Search brings an Elasticsearch client; Boot would otherwise poll localhost:9200.
      ElasticsearchRestClientAutoConfiguration.class
    })
public class FhirServerApplication {

  public static void main(String[] args) {
    SpringApplication.run(FhirServerApplication.class, args);
  }
}
