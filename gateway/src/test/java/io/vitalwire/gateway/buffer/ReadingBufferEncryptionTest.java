package io.vitalwire.gateway.buffer;

import static io.vitalwire.gateway.buffer.GlucoseRecords.reading;
import static io.vitalwire.gateway.buffer.GlucoseRecords.readings;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vitalwire.contract.ContractCodec;
import io.vitalwire.contract.Reading;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Payload encryption at rest (AES-256-GCM) and the key's sources, against a real SQLite file. */
class ReadingBufferEncryptionTest {

    private static final String KEY_A = Base64.getEncoder().encodeToString(new byte[32]);
    private static final String KEY_B = Base64.getEncoder().encodeToString("another key of exactly 32 bytes!"
            .getBytes(StandardCharsets.US_ASCII));

    @TempDir
    Path dir;
    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();

    @Test
    void theFileAndItsWal_neverHoldAReadingsContent() throws Exception {
        try (ReadingBuffer buffer = open(null)) {
            buffer.append(Lane.CRITICAL, readings("GM-1", 1, 20));
            assertThat(fileBytes()).doesNotContain(GlucoseRecords.MODEL).doesNotContain(GlucoseRecords.VALUE);
            // Still readable through the buffer: the content is there, only encrypted.
            Reading back = buffer.claimNext(1).get(0).reading();
            assertThat(back.device().model()).isEqualTo(GlucoseRecords.MODEL);
            assertThat(back.values().get(0).value()).isEqualByComparingTo(GlucoseRecords.VALUE);
        }
        assertThat(fileBytes()).doesNotContain(GlucoseRecords.MODEL).doesNotContain(GlucoseRecords.VALUE);
    }

    @Test
    void aNewBuffer_generatesItsKeyFile_private_andReadsItsRowsAfterReopening() throws Exception {
        try (ReadingBuffer buffer = open(null)) {
            buffer.append(Lane.CRITICAL, List.of(reading(1)));
        }
        Path keyFile = dir.resolve("buffer.key");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(keyFile))).isEqualTo("rw-------");
        assertThat(Base64.getDecoder().decode(Files.readString(keyFile).strip())).hasSize(32);
        try (ReadingBuffer reopened = open(null)) {
            assertThat(reopened.claimNext(1)).extracting(b -> b.reading().sequence()).containsExactly(1L);
        }
    }

    @Test
    void theEnvironmentKey_winsOverTheKeyFile() {
        try (ReadingBuffer buffer = open(KEY_A)) {
            buffer.append(Lane.CRITICAL, List.of(reading(1)));
        }
        assertThat(dir.resolve("buffer.key")).doesNotExist();
        try (ReadingBuffer reopened = open(KEY_A)) {
            assertThat(reopened.claimNext(1)).hasSize(1);
        }
    }

    @Test
    void aWrongKey_failsStartupNamingTheKeySource_andChangesNothing() {
        try (ReadingBuffer buffer = open(KEY_A)) {
            buffer.append(Lane.CRITICAL, readings("GM-1", 1, 3));
            buffer.claimNext(1);
        }
        assertThatThrownBy(() -> open(KEY_B)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("environment variable VITALWIRE_BUFFER_KEY")
                .hasMessageContaining("decrypts none of the");
        try (ReadingBuffer withTheRightKey = open(KEY_A)) {
            assertThat(withTheRightKey.claimNext(10)).hasSize(3);
            assertThat(withTheRightKey.stats().unreadable()).isZero();
        }
    }

    @Test
    void readingsButNoKey_failsStartup_withoutGeneratingOne() {
        try (ReadingBuffer buffer = open(null)) {
            buffer.append(Lane.CRITICAL, List.of(reading(1)));
        }
        Path keyFile = dir.resolve("buffer.key");
        assertThat(keyFile.toFile().delete()).isTrue();

        assertThatThrownBy(() -> open(null)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining(keyFile.toString()).hasMessageContaining("no new key is generated");
        assertThat(keyFile).doesNotExist();
    }

    @Test
    void aTamperedRow_isSetAsideAsUnreadable_theOthersAreSent() throws Exception {
        try (ReadingBuffer buffer = open(null)) {
            buffer.append(Lane.CRITICAL, readings("GM-1", 1, 3));
            flipOneBit("gw-1/sn.GM-1/s2/160184", 30);

            assertThat(buffer.claimNext(10)).extracting(b -> b.reading().sequence()).containsExactly(1L, 3L);
            assertThat(buffer.stats().unreadable()).isEqualTo(1);
            assertThat(meters.counter("vitalwire.buffer.unreadable", "reason", "undecryptable").count())
                    .isEqualTo(1);
        }
    }

    @Test
    void aPayloadCopiedOntoAnotherRow_doesNotOpenThere() throws Exception {
        try (ReadingBuffer buffer = open(null)) {
            buffer.append(Lane.CRITICAL, readings("GM-1", 1, 2));
            sql("UPDATE reading SET payload = (SELECT payload FROM reading WHERE reading_key = "
                    + "'gw-1/sn.GM-1/s1/160184') WHERE reading_key = 'gw-1/sn.GM-1/s2/160184'");

            assertThat(buffer.claimNext(10)).extracting(b -> b.reading().sequence()).containsExactly(1L);
            assertThat(buffer.stats().unreadable()).isEqualTo(1);
        }
    }

    /** A file of the first layout (plaintext payloads, no lanes) is upgraded in place and rewritten. */
    @Test
    void aFirstLayoutFile_isEncryptedAndGetsLanes_withoutLosingARow() throws Exception {
        Path file = dir.resolve("buffer.db");
        ContractCodec codec = new ContractCodec();
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file); Statement s = c.createStatement()) {
            s.execute("PRAGMA journal_mode=WAL");
            s.executeUpdate("CREATE TABLE reading (id INTEGER PRIMARY KEY AUTOINCREMENT, reading_key TEXT NOT NULL "
                    + "UNIQUE, state TEXT NOT NULL, accepted_at INTEGER NOT NULL, payload BLOB NOT NULL)");
            s.executeUpdate("CREATE INDEX reading_state_id ON reading (state, id)");
            try (PreparedStatement insert = c.prepareStatement(
                    "INSERT INTO reading (reading_key, state, accepted_at, payload) VALUES (?, ?, 0, ?)")) {
                for (long seq = 1; seq <= 3; seq++) {
                    insert.setString(1, reading(seq).key());
                    insert.setString(2, seq == 1 ? "ACKNOWLEDGED" : "QUEUED");
                    insert.setBytes(3, codec.encodeReading(reading(seq)));
                    insert.executeUpdate();
                }
            }
        }
        assertThat(fileBytes()).contains(GlucoseRecords.MODEL);

        try (ReadingBuffer buffer = open(null)) {
            assertThat(buffer.claimNext(10)).extracting(b -> b.reading().sequence()).containsExactly(2L, 3L);
            assertThat(buffer.stats().acknowledged()).isEqualTo(1);
            assertThat(buffer.append(Lane.CRITICAL, List.of(reading(1))).alreadyKnown()).isEqualTo(1);
        }
        assertThat(fileBytes()).doesNotContain(GlucoseRecords.MODEL).doesNotContain(GlucoseRecords.VALUE);
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("PRAGMA auto_vacuum")) {
            assertThat(rs.getInt(1)).as("incremental auto-vacuum").isEqualTo(2);
        }
    }

    private ReadingBuffer open(String environmentKey) {
        return new ReadingBuffer(BufferSettings.defaults(dir.resolve("buffer.db")).withEnvironmentKey(environmentKey),
                Clock.systemUTC(), meters);
    }

    private void flipOneBit(String readingKey, int offset) throws Exception {
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("buffer.db"));
             PreparedStatement select = c.prepareStatement("SELECT payload FROM reading WHERE reading_key = ?");
             PreparedStatement update = c.prepareStatement("UPDATE reading SET payload = ? WHERE reading_key = ?")) {
            select.setString(1, readingKey);
            byte[] payload;
            try (ResultSet rs = select.executeQuery()) {
                payload = rs.getBytes(1);
            }
            payload[offset] ^= 0x01;
            update.setBytes(1, payload);
            update.setString(2, readingKey);
            assertThat(update.executeUpdate()).isEqualTo(1);
        }
    }

    private void sql(String update) throws Exception {
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("buffer.db"));
             Statement s = c.createStatement()) {
            s.executeUpdate(update);
        }
    }

    /** The buffer file and its WAL, as a string of ISO-8859-1 characters: one per byte, so any ASCII text shows. */
    private String fileBytes() throws Exception {
        StringBuilder all = new StringBuilder();
        for (String name : List.of("buffer.db", "buffer.db-wal")) {
            Path f = dir.resolve(name);
            if (Files.exists(f)) {
                all.append(new String(Files.readAllBytes(f), StandardCharsets.ISO_8859_1));
            }
        }
        return all.toString();
    }
}
