package io.vitalwire.sims.faults;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * The broker's host of a partition test: a Linux network namespace of the test's own, reached from the machine over
 * two veth links — one the gateway dials, one cloud-ingest's side dials — so that the gateway's path alone can be
 * cut while the cloud's stays up. {@link #blackHole()} drops every packet on the gateway's link in both directions
 * (a {@code blackhole} qdisc on each end), which is what a dead home router or a mobile dead spot does: nothing is
 * refused or reset, TCP keeps retransmitting into the void, and only keepalives and timeouts can tell.
 * {@link #heal()} lets packets through again, and the retransmissions arrive.
 *
 * <p>Why a namespace and not the test's TCP relay with a "stop forwarding" mode: a relay that stops reading still
 * acknowledges at the TCP level on both sides and keeps windows open, and it never makes a connection attempt time
 * out (the relay accepts it); with the packets dropped on a link, the gateway's kernel sees the real thing —
 * retransmission timeouts, SYNs never answered. Why {@code tc} and not iptables/nft: iproute2 is on every machine
 * this runs on and the qdisc needs no netfilter modules. Needs root, as CI and the dev machines have.
 *
 * <p>Addresses come from 198.18.0.0/15, set aside for benchmarking (RFC 2544): routed nowhere, used here only between
 * the machine and its own namespace. A random /24 of it per partition keeps parallel runs apart.
 */
final class NetworkPartition implements AutoCloseable {

    private static final SecureRandom RANDOM = new SecureRandom();

    private final String namespace;
    private final String gatewayLink;
    private final String ingestLink;
    private final String subnet;
    private boolean blackHoled;

    private NetworkPartition(String id, int subnet) {
        this.namespace = "vw-part-" + id;
        this.gatewayLink = "vwg" + id;
        this.ingestLink = "vwi" + id;
        this.subnet = "198.18." + subnet + ".";
    }

    /** Whether namespaces, veth links and qdiscs can be made here: as root, with iproute2. */
    static boolean available() {
        return "root".equals(System.getProperty("user.name")) && Files.isExecutable(Path.of("/usr/sbin/ip"))
                && Files.isExecutable(Path.of("/usr/sbin/tc"));
    }

    /** The namespace and both links, up. */
    static NetworkPartition create() throws IOException, InterruptedException {
        String id = HexFormat.of().formatHex(RANDOM.generateSeed(3));
        NetworkPartition p = new NetworkPartition(id, 1 + RANDOM.nextInt(254));
        try {
            p.ip("netns", "add", p.namespace);
            p.inside("ip", "link", "set", "lo", "up");
            p.link(p.gatewayLink, "gw0", 0);
            p.link(p.ingestLink, "in0", 4);
            return p;
        } catch (IOException | RuntimeException e) {
            p.close();
            throw e;
        }
    }

    /** A host-side link and its namespace end, a /30 starting at {@code base}: the machine .1, the broker .2. */
    private void link(String hostEnd, String namespaceEnd, int base) throws IOException, InterruptedException {
        ip("link", "add", hostEnd, "type", "veth", "peer", "name", namespaceEnd, "netns", namespace);
        ip("addr", "add", subnet + (base + 1) + "/30", "dev", hostEnd);
        ip("link", "set", hostEnd, "up");
        inside("ip", "addr", "add", subnet + (base + 2) + "/30", "dev", namespaceEnd);
        inside("ip", "link", "set", namespaceEnd, "up");
    }

    /** The command prefix that runs a program (the broker) inside the namespace. */
    List<String> launcher() {
        return List.of("ip", "netns", "exec", namespace);
    }

    /** The broker's address on the gateway's link. */
    String gatewaySideAddress() {
        return subnet + "2";
    }

    /** The broker's address on cloud-ingest's link, which stays up. */
    String ingestSideAddress() {
        return subnet + "6";
    }

    /** Every packet on the gateway's link dropped, both ways: nothing refused, nothing reset. */
    synchronized void blackHole() throws IOException, InterruptedException {
        run("tc", "qdisc", "add", "dev", gatewayLink, "root", "blackhole");
        inside("tc", "qdisc", "add", "dev", "gw0", "root", "blackhole");
        blackHoled = true;
    }

    /** Packets flow again on the gateway's link. */
    synchronized void heal() throws IOException, InterruptedException {
        run("tc", "qdisc", "del", "dev", gatewayLink, "root");
        inside("tc", "qdisc", "del", "dev", "gw0", "root");
        blackHoled = false;
    }

    boolean blackHoled() {
        return blackHoled;
    }

    /** Deletes the namespace; its ends of the links go with it, and so do the machine's. */
    @Override
    public void close() throws IOException, InterruptedException {
        try {
            run("ip", "link", "del", gatewayLink);
            run("ip", "link", "del", ingestLink);
        } catch (IOException alreadyGone) {
            // a link that was never made, or went with the namespace
        } finally {
            run("ip", "netns", "del", namespace);
        }
    }

    private void ip(String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("ip"));
        command.addAll(List.of(args));
        run(command.toArray(String[]::new));
    }

    private void inside(String... command) throws IOException, InterruptedException {
        List<String> all = new ArrayList<>(launcher());
        all.addAll(List.of(command));
        run(all.toArray(String[]::new));
    }

    private static void run(String... command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (p.waitFor() != 0) {
            throw new IOException(String.join(" ", command) + " failed: " + out.strip());
        }
    }
}
