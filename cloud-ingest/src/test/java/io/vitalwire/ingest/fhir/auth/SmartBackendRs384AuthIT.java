package io.vitalwire.ingest.fhir.auth;

import io.micronaut.test.extensions.junit5.annotation.MicronautTest;

/** {@code smart-backend} with an RSA key (RS384). */
@MicronautTest
class SmartBackendRs384AuthIT extends SmartBackendAuthTest {

    SmartBackendRs384AuthIT() {
        super(TestKeys.rsa());
    }
}
