package io.vitalwire.fhirserver;

import ca.uhn.fhir.batch2.jobs.config.Batch2JobsConfig;
import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.jpa.api.config.JpaStorageSettings;
import ca.uhn.fhir.jpa.api.config.JpaStorageSettings.ClientIdStrategyEnum;
import ca.uhn.fhir.jpa.api.config.ThreadPoolFactoryConfig;
import ca.uhn.fhir.jpa.batch2.JpaBatch2Config;
import ca.uhn.fhir.jpa.config.HapiJpaConfig;
import ca.uhn.fhir.jpa.config.r4.JpaR4Config;
import ca.uhn.fhir.jpa.config.util.HapiEntityManagerFactoryUtil;
import ca.uhn.fhir.jpa.model.config.PartitionSettings;
import ca.uhn.fhir.jpa.model.dialect.HapiFhirH2Dialect;
import ca.uhn.fhir.jpa.model.dialect.HapiFhirPostgresDialect;
import ca.uhn.fhir.jpa.subscription.channel.config.SubscriptionChannelConfig;
import jakarta.persistence.EntityManagerFactory;
import java.util.Map;
import javax.sql.DataSource;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.boot.autoconfigure.jdbc.DataSourceProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.orm.jpa.JpaTransactionManager;
import org.springframework.orm.jpa.LocalContainerEntityManagerFactoryBean;

/**
 * HAPI's JPA engine for FHIR R4 on the datasource that Spring Boot builds from the standard
 * {@code spring.datasource.*} properties: H2 in memory by default, PostgreSQL when
 * {@code spring.datasource.url} is a {@code jdbc:postgresql:} URL.
 */
@Configuration
@Import({
  JpaR4Config.class, // FhirContext for R4, the resource DAOs and providers, the JPA core
  HapiJpaConfig.class, // paging provider, stale-search cleanup, resource counts
  JpaBatch2Config.class, // job coordinator that HAPI's operations ($merge, reindex...) need
  Batch2JobsConfig.class, // the job definitions themselves
  ThreadPoolFactoryConfig.class, // thread pools for transaction bundles processed in parallel
  SubscriptionChannelConfig.class // in-memory message channels that batch jobs run on
})
public class JpaStorageConfig {

  /** Settings of HAPI's storage engine; only what differs from HAPI's defaults is set. */
  @Bean
  public JpaStorageSettings storageSettings() {
    JpaStorageSettings settings = new JpaStorageSettings();
    // Clients may PUT resources with their own ids (e.g. a Device keyed by its serial). Ids made
    // only of digits stay reserved for the server's own sequential ids, so the two never collide.
    settings.setResourceClientIdStrategy(ClientIdStrategyEnum.ALPHANUMERIC);
    // Lets a reference be written as a search ("Patient?identifier=sys|val"), which is how an
    // ingest bundle points at a patient it did not create.
    settings.setAllowInlineMatchUrlReferences(true);
    // Conditional create (If-None-Exist, also per entry of a transaction bundle) is on by
    // default in HAPI; ingest relies on it to make re-sent readings idempotent.

    // Tests and the demo clean up after themselves with conditional deletes and $expunge.
    settings.setAllowMultipleDelete(true);
    settings.setExpungeEnabled(true);
    return settings;
  }

  /** No partitioning: one tenant. HAPI's JPA core requires the bean all the same. */
  @Bean
  public PartitionSettings partitionSettings() {
    return new PartitionSettings();
  }

  @Bean
  public LocalContainerEntityManagerFactoryBean entityManagerFactory(
      ConfigurableListableBeanFactory beanFactory,
      FhirContext fhirContext,
      JpaStorageSettings storageSettings,
      DataSource dataSource,
      DataSourceProperties dataSourceProperties) {
    // HAPI's factory registers its entities, its persistence provider and its dialect wrapper.
    LocalContainerEntityManagerFactoryBean factory =
        HapiEntityManagerFactoryUtil.newEntityManagerFactory(beanFactory, fhirContext, storageSettings);
    factory.setPersistenceUnitName("HAPI_PU");
    factory.setDataSource(dataSource);
    // Added to, not replaced: HAPI's factory has already put its own properties there.
    factory.getJpaPropertyMap().putAll(hibernateProperties(dataSourceProperties.determineUrl()));
    return factory;
  }

  @Bean
  public JpaTransactionManager transactionManager(EntityManagerFactory entityManagerFactory) {
    return new JpaTransactionManager(entityManagerFactory);
  }

  /**
   * Hibernate settings for the database behind {@code jdbcUrl}. HAPI ships a dialect per database
   * that Hibernate's auto-detection would not pick, so the dialect is chosen from the URL.
   */
  static Map<String, Object> hibernateProperties(String jdbcUrl) {
    String dialect;
    if (jdbcUrl != null && jdbcUrl.startsWith("jdbc:postgresql:")) {
      dialect = HapiFhirPostgresDialect.class.getName();
    } else if (jdbcUrl == null || jdbcUrl.startsWith("jdbc:h2:")) {
      dialect = HapiFhirH2Dialect.class.getName();
    } else {
      throw new IllegalStateException(
          "Unsupported spring.datasource.url " + jdbcUrl + ": use jdbc:h2: or jdbc:postgresql:");
    }
    return Map.of(
        "hibernate.dialect", dialect,
        // A dev/test server: Hibernate creates and updates the schema itself, so a fresh or an
        // existing database both work without running HAPI's migration tool.
        "hibernate.hbm2ddl.auto", "update",
        // No full-text indexing (Lucene/Elasticsearch); standard FHIR search does not need it.
        "hibernate.search.enabled", "false",
        // Batch the many index-row inserts of each resource.
        "hibernate.jdbc.batch_size", "50",
        "hibernate.order_inserts", "true",
        "hibernate.order_updates", "true");
  }
}
