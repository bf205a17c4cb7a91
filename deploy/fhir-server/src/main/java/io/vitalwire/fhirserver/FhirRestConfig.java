package io.vitalwire.fhirserver;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.context.support.IValidationSupport;
import ca.uhn.fhir.jpa.api.config.JpaStorageSettings;
import ca.uhn.fhir.jpa.api.dao.IFhirSystemDao;
import ca.uhn.fhir.jpa.provider.JpaCapabilityStatementProvider;
import ca.uhn.fhir.jpa.provider.JpaSystemProvider;
import ca.uhn.fhir.jpa.search.DatabaseBackedPagingProvider;
import ca.uhn.fhir.rest.api.EncodingEnum;
import ca.uhn.fhir.rest.server.RestfulServer;
import ca.uhn.fhir.rest.server.provider.ResourceProviderFactory;
import ca.uhn.fhir.rest.server.util.ISearchParamRegistry;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.web.servlet.ServletRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The FHIR REST API: HAPI's {@link RestfulServer} servlet at {@code /fhir/*}, backed by JPA. */
@Configuration
public class FhirRestConfig {

  @Bean
  public ServletRegistrationBean<RestfulServer> fhirServlet(
      FhirContext fhirContext,
      ResourceProviderFactory resourceProviders,
      JpaSystemProvider<?, ?> systemProvider,
      IFhirSystemDao<?, ?> systemDao,
      JpaStorageSettings storageSettings,
      ISearchParamRegistry searchParamRegistry,
      IValidationSupport validationSupport,
      DatabaseBackedPagingProvider pagingProvider,
      @Value("${vitalwire.fhir.default-page-size}") int defaultPageSize,
      @Value("${vitalwire.fhir.max-page-size}") int maxPageSize) {

    RestfulServer server = new RestfulServer(fhirContext);
    // One provider per resource type (read, search, create, conditional create, ...).
    server.registerProviders(resourceProviders.createProviders());
    // System-level interactions: transaction and batch bundles posted to the base URL.
    server.registerProvider(systemProvider);
    // /metadata describes what this JPA server really supports, search parameters included.
    server.setServerConformanceProvider(
        new JpaCapabilityStatementProvider(
            server, systemDao, storageSettings, searchParamRegistry, validationSupport));
    // HAPI's default caps a page at 50 resources; tests and the demo read larger pages.
    pagingProvider.setDefaultPageSize(defaultPageSize);
    pagingProvider.setMaximumPageSize(maxPageSize);
    server.setPagingProvider(pagingProvider);
    server.setDefaultResponseEncoding(EncodingEnum.JSON);

    ServletRegistrationBean<RestfulServer> registration =
        new ServletRegistrationBean<>(server, "/fhir/*");
    registration.setName("fhir");
    // Initialise at startup, so that a broken configuration fails the boot, not the first request.
    registration.setLoadOnStartup(1);
    return registration;
  }
}
