package io.vitalwire.contract;

import com.fasterxml.jackson.annotation.JsonProperty;

/** How the reading reached the gateway. */
public enum Transport {
    @JsonProperty("ble") BLE,
    @JsonProperty("coap") COAP
}
