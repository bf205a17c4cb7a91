package io.vitalwire.gateway.ble.bluez;

import static org.assertj.core.api.Assertions.assertThat;

import io.vitalwire.backoff.Backoff;
import io.vitalwire.contract.DeviceIdentity;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The device link's state machine: every guarded transition from every state; from a state it does not start from,
 * it reports false and changes nothing.
 */
class DeviceLinkTest {

    private static final Instant NOW = Instant.parse("2026-11-23T10:00:00Z");
    private static final Instant DEADLINE = NOW.plusSeconds(10);
    private static final ConnectedDevice DEVICE = new ConnectedDevice(
            new DeviceIdentity(null, null, "HRS-0001", "C0:1D:00:00:00:01", null), 80, 0L);

    /** A transition by name, the states it starts from and the state it leads to. */
    private record Transition(String name, Set<LinkState> from, LinkState to, Predicate<DeviceLink> take) {
        @Override
        public String toString() {
            return name;
        }
    }

    private static final List<Transition> TRANSITIONS = List.of(
            new Transition("startConnecting", EnumSet.of(LinkState.IDLE, LinkState.WAITING), LinkState.CONNECTING,
                    DeviceLink::startConnecting),
            new Transition("awaitServices", EnumSet.of(LinkState.CONNECTING), LinkState.RESOLVING,
                    l -> l.awaitServices(DEADLINE)),
            new Transition("awaitServicesAfterPairing",
                    EnumSet.of(LinkState.CONNECTING, LinkState.RESOLVING, LinkState.ACTIVE), LinkState.RESOLVING,
                    l -> l.awaitServicesAfterPairing(DEADLINE)),
            new Transition("activate", EnumSet.of(LinkState.RESOLVING), LinkState.ACTIVE,
                    l -> l.activate(DEVICE, null)),
            new Transition("deny", EnumSet.of(LinkState.RESOLVING), LinkState.DENIED, DeviceLink::deny),
            new Transition("retryLater", EnumSet.of(LinkState.IDLE, LinkState.CONNECTING, LinkState.RESOLVING,
                    LinkState.ACTIVE, LinkState.WAITING), LinkState.WAITING, l -> l.retryLater(NOW)),
            new Transition("pairingFailed", EnumSet.of(LinkState.CONNECTING, LinkState.RESOLVING,
                    LinkState.ACTIVE), LinkState.WAITING, l -> l.pairingFailed(NOW)),
            new Transition("poweredOff", EnumSet.of(LinkState.IDLE, LinkState.CONNECTING, LinkState.RESOLVING,
                    LinkState.ACTIVE, LinkState.WAITING), LinkState.WAITING, l -> l.poweredOff(NOW)),
            new Transition("gone", EnumSet.complementOf(EnumSet.of(LinkState.GONE)), LinkState.GONE,
                    DeviceLink::gone));

    static Stream<Arguments> everyTransitionFromEveryState() {
        return TRANSITIONS.stream().flatMap(t -> Stream.of(LinkState.values()).map(s -> Arguments.of(t, s)));
    }

    private static DeviceLink link() {
        return new DeviceLink(new BluezObject.Device("/org/bluez/hci0/dev_C0_1D_00_00_00_01", "/org/bluez/hci0",
                "C0:1D:00:00:00:01", false, false, false, List.of(0x180D), null),
                new AllowList(List.of("C0:1D:00:00:00:01 passkey=1")).entryFor("C0:1D:00:00:00:01").orElseThrow(),
                "dev-00000001", new Backoff(Duration.ofMillis(100), Duration.ofSeconds(1), (lo, hi) -> hi),
                new Backoff(Duration.ofSeconds(30), Duration.ofHours(1), (lo, hi) -> hi));
    }

    /** A link driven into {@code state} through the transitions themselves. */
    private static DeviceLink linkIn(LinkState state) {
        DeviceLink link = link();
        switch (state) {
            case IDLE -> { }
            case CONNECTING -> link.startConnecting();
            case RESOLVING -> {
                link.startConnecting();
                link.awaitServices(DEADLINE);
            }
            case ACTIVE -> {
                link.startConnecting();
                link.awaitServices(DEADLINE);
                link.activate(DEVICE, new SpotCheckTransfer());
            }
            case WAITING -> link.retryLater(NOW);
            case DENIED -> {
                link.startConnecting();
                link.awaitServices(DEADLINE);
                link.deny();
            }
            case GONE -> link.gone();
        }
        assertThat(link.state()).isEqualTo(state);
        return link;
    }

    @ParameterizedTest(name = "{0} from {1}")
    @MethodSource("everyTransitionFromEveryState")
    void transition_happensOnlyFromItsStates(Transition transition, LinkState from) {
        DeviceLink link = linkIn(from);

        boolean happened = transition.take().test(link);

        assertThat(happened).isEqualTo(transition.from().contains(from));
        assertThat(link.state()).isEqualTo(happened ? transition.to() : from);
    }

    @Test
    void activate_keepsWhatWasLearnt_retryLater_forgetsIt() {
        DeviceLink link = linkIn(LinkState.RESOLVING);
        SpotCheckTransfer transfer = new SpotCheckTransfer();

        link.activate(DEVICE, transfer);
        link.holdGlucoseCursor();
        assertThat(link.device()).isEqualTo(DEVICE);
        assertThat(link.transfer()).isSameAs(transfer);

        link.retryLater(NOW);
        assertThat(link.device()).isNull();
        assertThat(link.transfer()).isNull();
        assertThat(link.glucoseCursorHeld()).isFalse();
    }

    @Test
    void retryLater_isDueAfterTheBackoff_andTheBackoffGrowsUntilActive() {
        DeviceLink link = link();

        link.retryLater(NOW);
        assertThat(link.isDue(NOW.plusMillis(99))).isFalse();
        assertThat(link.isDue(NOW.plusMillis(100))).isTrue();

        link.startConnecting();
        link.retryLater(NOW);
        assertThat(link.isDue(NOW.plusMillis(100))).as("second failure: twice the wait").isFalse();
        assertThat(link.isDue(NOW.plusMillis(200))).isTrue();
    }

    @Test
    void pairingFailed_waitsForThePairingBackoff_whichGrowsUntilABondingSucceeds() {
        DeviceLink link = link();
        link.startConnecting();

        link.pairingFailed(NOW);
        assertThat(link.isDue(NOW.plusSeconds(29))).as("not the reconnect backoff's 100 ms").isFalse();
        assertThat(link.isDue(NOW.plusSeconds(30))).isTrue();

        link.startConnecting();
        link.pairingFailed(NOW);
        assertThat(link.isDue(NOW.plusSeconds(59))).as("second failure: twice the wait").isFalse();
        assertThat(link.isDue(NOW.plusSeconds(60))).isTrue();

        link.bonded();
        link.startConnecting();
        link.pairingFailed(NOW);
        assertThat(link.isDue(NOW.plusSeconds(30))).as("after a bonding, from the start").isTrue();
        assertThat(link.paired()).isTrue();
    }

    @Test
    void retryNow_makesAWaitingLinkDueAtOnce_withoutChangingItsState() {
        DeviceLink link = linkIn(LinkState.WAITING);

        assertThat(link.retryNow(NOW)).isTrue();
        assertThat(link.isDue(NOW)).isTrue();
        assertThat(link.state()).isEqualTo(LinkState.WAITING);
        assertThat(linkIn(LinkState.ACTIVE).retryNow(NOW)).isFalse();
        assertThat(linkIn(LinkState.DENIED).retryNow(NOW)).isFalse();
    }

    @Test
    void resolving_isOverdueOnlyPastItsDeadline() {
        DeviceLink link = linkIn(LinkState.RESOLVING);

        assertThat(link.isResolveOverdue(DEADLINE)).isFalse();
        assertThat(link.isResolveOverdue(DEADLINE.plusMillis(1))).isTrue();
        link.activate(DEVICE, null);
        assertThat(link.isResolveOverdue(DEADLINE.plusSeconds(60))).isFalse();
    }

    @Test
    void poweredOff_forgetsBluezConnection() {
        DeviceLink link = linkIn(LinkState.ACTIVE);
        link.observe(true, true, null);

        link.poweredOff(NOW);

        assertThat(link.connected()).isFalse();
        assertThat(link.servicesResolved()).isFalse();
    }

    @Test
    void spotCheckTransfer_deletesOnlyWhenEveryRecordIsDurable_andCountsNothingOnceDeleting() {
        SpotCheckTransfer kept = new SpotCheckTransfer();
        kept.recordArrived(true);
        kept.recordArrived(false);
        assertThat(kept.deleteRequested()).isFalse();
        assertThat(kept.phase()).isEqualTo(SpotCheckTransfer.Phase.REPORTING);

        SpotCheckTransfer deleted = new SpotCheckTransfer();
        deleted.recordArrived(true);
        assertThat(deleted.deleteRequested()).isTrue();
        assertThat(deleted.recordArrived(true)).isFalse();
        assertThat(deleted.records()).isEqualTo(1);
        assertThat(deleted.deleteRequested()).isFalse();
    }
}
