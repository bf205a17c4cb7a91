package io.vitalwire.contract;

import com.fasterxml.jackson.annotation.JsonProperty;

/** The gateway's presence, as told by its retained birth message and its last will. */
public enum Presence {
    @JsonProperty("online") ONLINE,
    @JsonProperty("offline") OFFLINE
}
