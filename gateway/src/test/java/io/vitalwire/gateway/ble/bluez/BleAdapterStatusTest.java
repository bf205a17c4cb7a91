package io.vitalwire.gateway.ble.bluez;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Optional;
import org.junit.jupiter.api.Test;

class BleAdapterStatusTest {

    @Test
    void state_fromWhatTheIntakeLastSaw() {
        assertThat(BleAdapterStatus.of(new BleState(false, false, false, false, 0, 0))).isEqualTo("no-bus");
        assertThat(BleAdapterStatus.of(new BleState(true, false, false, false, 0, 0))).isEqualTo("absent");
        assertThat(BleAdapterStatus.of(new BleState(true, true, false, false, 2, 0))).isEqualTo("off");
        assertThat(BleAdapterStatus.of(new BleState(true, true, true, true, 2, 1))).isEqualTo("powered");
    }

    @Test
    void state_bleNotEnabled_isDisabled() {
        BleAdapterStatus status = new BleAdapterStatus(Optional.empty());
        assertThat(status.name()).isEqualTo("ble");
        assertThat(status.state()).isEqualTo("disabled");
    }
}
