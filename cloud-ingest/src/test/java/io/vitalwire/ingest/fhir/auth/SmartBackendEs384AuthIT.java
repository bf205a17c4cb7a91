package io.vitalwire.ingest.fhir.auth;

import io.micronaut.test.extensions.junit5.annotation.MicronautTest;

/** {@code smart-backend} with an EC P-384 key (ES384). */
@MicronautTest
class SmartBackendEs384AuthIT extends SmartBackendAuthTest {

    SmartBackendEs384AuthIT() {
        super(TestKeys.ec("secp384r1"));
    }
}
