package io.vitalwire.contract;

import com.fasterxml.jackson.annotation.JsonProperty;

/** Whether the gateway's own clock is synchronised (NTP or equivalent). */
public enum ClockSync {
    @JsonProperty("synced") SYNCED,
    @JsonProperty("unsynced") UNSYNCED,
    @JsonProperty("unknown") UNKNOWN
}
