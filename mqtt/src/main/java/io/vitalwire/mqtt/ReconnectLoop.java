package io.vitalwire.mqtt;

import io.vitalwire.backoff.Backoff;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.eclipse.paho.mqttv5.common.MqttException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps one MQTT link up, on a thread of its own: connects while the link is down, lets the service work on it
 * while it is up, and after a failure waits a jittered {@link Backoff} delay before trying again, so that a fleet
 * that lost the same broker does not come back in lockstep. Those waits end early only when the loop stops: a
 * service's pending work is safe where it is (the gateway's buffer, the broker's session) and a hurried retry would
 * only hammer a broker that is struggling.
 *
 * <p>An {@link MqttException} from the link is a transient failure of the link: it is logged with its message and
 * retried. Any other {@link RuntimeException} is a bug or an unexpected state: logged with its stack trace, and
 * retried all the same, because the thread must never die while the service runs.
 */
public final class ReconnectLoop {

    /** What the loop keeps up. {@link #wakeUp()} is called by the thread that stops the loop, the rest by the loop. */
    public interface Link {

        /** Whether the connection is up; while it is not, the loop calls {@link #connect()} before working. */
        boolean isConnected();

        /**
         * Brings the link up: connect, and whatever else must precede work (subscribe, announce presence…).
         * Returning normally means the link is up: the backoff starts again from its minimum.
         *
         * @throws MqttException the attempt failed: the loop backs off and tries again
         */
        void connect() throws MqttException, InterruptedException;

        /**
         * One round of work on the link. Returns when the loop should check the link again; it may block for a
         * while (waiting for work, or for a disconnect), since the loop does not pace it.
         *
         * @throws MqttException the link failed: the loop backs off, then reconnects if it is down
         */
        void work() throws MqttException, InterruptedException;

        /** The loop is stopping: end any wait in {@link #work()} that is not {@link ReconnectLoop#pause}. */
        default void wakeUp() {
        }
    }

    private static final Logger LOG = LoggerFactory.getLogger(ReconnectLoop.class);

    private final String name;
    private final String brokerUrl;
    private final Backoff backoff;
    private final Link link;
    private final CountDownLatch stopping = new CountDownLatch(1);
    private final Thread thread;

    /**
     * @param name      the thread's name, and the loop's in log messages (e.g. {@code uplink})
     * @param brokerUrl for log messages
     * @param backoff   this loop's own: it is not thread-safe
     */
    public ReconnectLoop(String name, String brokerUrl, Backoff backoff, Link link) {
        this.name = name;
        this.brokerUrl = brokerUrl;
        this.backoff = backoff;
        this.link = link;
        this.thread = new Thread(this::run, name);
        // The service's lifetime is its application's; this thread must not keep a failed start-up alive.
        thread.setDaemon(true);
    }

    public void start() {
        thread.start();
    }

    /** Until {@link #stop} is called. */
    public boolean isRunning() {
        return stopping.getCount() > 0;
    }

    /**
     * Sleeps, ending early only when the loop stops. Any thread may call it, e.g. a message handler's own retries.
     *
     * @return whether the loop still runs
     */
    public boolean pause(Duration delay) {
        try {
            return !stopping.await(delay.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /**
     * The link demonstrably works (e.g. the broker acknowledged a message): the next failure waits the minimum
     * again. From the loop's thread only, i.e. within {@link Link#work()}.
     */
    public void resetBackoff() {
        backoff.reset();
    }

    /**
     * Ends the loop: pauses end, the link is woken, and the thread finishes its current step.
     *
     * @return whether the thread ended within {@code grace}
     */
    public boolean stop(Duration grace) throws InterruptedException {
        stopping.countDown();
        link.wakeUp();
        thread.join(grace.toMillis());
        return !thread.isAlive();
    }

    private void run() {
        while (isRunning()) {
            try {
                if (!link.isConnected()) {
                    link.connect();
                    backoff.reset();
                }
                link.work();
            } catch (MqttException e) {
                Duration delay = backoff.next();
                LOG.warn("{} to {} failed ({}); retrying in {} ms", name, brokerUrl, e.getMessage(),
                        delay.toMillis());
                pause(delay);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (RuntimeException e) {
                LOG.error("{} loop error; retrying", name, e);
                pause(backoff.next());
            }
        }
    }
}
