package io.vitalwire.gateway.installer;

import io.micronaut.context.annotation.ConfigurationProperties;
import java.nio.file.Path;
import java.time.Duration;

/**
 * The installer's pairing page ({@code vitalwire.gateway.installer.*}): a web page on the hub, unlocked by the
 * installer code printed on the hub's label. Off unless enabled; the Debian package enables it.
 */
@ConfigurationProperties("vitalwire.gateway.installer")
public class InstallerConfig {

    private boolean enabled;
    private Path codeFile;
    private int maxFailures = 5;
    private Duration lockout = Duration.ofMinutes(5);
    private Duration maxLockout = Duration.ofHours(1);
    private int maxFailuresOverall = 20;
    private Duration sessionIdle = Duration.ofMinutes(15);
    private Duration sessionMax = Duration.ofHours(4);
    private Duration scanLength = Duration.ofSeconds(30);

    /** Whether the page and its API are served. Default false. */
    public boolean isEnabled() {
        return enabled;
    }

    public void setEnabled(boolean enabled) {
        this.enabled = enabled;
    }

    /**
     * The file holding the installer code (the one printed on the label). Default {@code <data-dir>/installer-code},
     * generated (mode 0600) at first start if missing, for the label to be printed from.
     */
    public Path getCodeFile() {
        return codeFile;
    }

    public void setCodeFile(Path codeFile) {
        this.codeFile = codeFile;
    }

    /** Wrong codes in a row from one address before it is locked out. Default 5. */
    public int getMaxFailures() {
        return maxFailures;
    }

    public void setMaxFailures(int maxFailures) {
        this.maxFailures = maxFailures;
    }

    /** The first lockout of an address; each further one doubles, up to {@link #getMaxLockout()}. Default 5 min. */
    public Duration getLockout() {
        return lockout;
    }

    public void setLockout(Duration lockout) {
        this.lockout = lockout;
    }

    /** The longest lockout. Default 1 h. */
    public Duration getMaxLockout() {
        return maxLockout;
    }

    public void setMaxLockout(Duration maxLockout) {
        this.maxLockout = maxLockout;
    }

    /**
     * Wrong codes from all addresses together since the last right one before the page locks everyone out for
     * {@link #getMaxLockout()}: guessing from many addresses gets no further than from one. Default 20.
     */
    public int getMaxFailuresOverall() {
        return maxFailuresOverall;
    }

    public void setMaxFailuresOverall(int maxFailuresOverall) {
        this.maxFailuresOverall = maxFailuresOverall;
    }

    /** A session unused this long ends. Default 15 min. */
    public Duration getSessionIdle() {
        return sessionIdle;
    }

    public void setSessionIdle(Duration sessionIdle) {
        this.sessionIdle = sessionIdle;
    }

    /** A session ends this long after the code was entered, used or not. Default 4 h. */
    public Duration getSessionMax() {
        return sessionMax;
    }

    public void setSessionMax(Duration sessionMax) {
        this.sessionMax = sessionMax;
    }

    /** How long one "Scan" keeps BLE discovery running. Default 30 s (2 min at most). */
    public Duration getScanLength() {
        return scanLength;
    }

    public void setScanLength(Duration scanLength) {
        this.scanLength = scanLength;
    }
}
