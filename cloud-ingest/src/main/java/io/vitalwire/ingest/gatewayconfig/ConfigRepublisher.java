package io.vitalwire.ingest.gatewayconfig;

import io.micronaut.context.BeanProvider;
import io.micronaut.context.event.StartupEvent;
import io.micronaut.runtime.event.annotation.EventListener;
import io.micronaut.scheduling.annotation.Async;
import io.micronaut.scheduling.annotation.Scheduled;
import io.vitalwire.ingest.installation.Hub;
import io.vitalwire.ingest.installation.InstallationChanged;
import io.vitalwire.ingest.tenancy.TenantChanged;
import jakarta.inject.Singleton;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the broker's retained configurations in step with {@code gateway_config}:
 * <ul>
 *   <li>at start-up, takes every hub's current version for unpublished and publishes them again, in pages: the
 *       broker keeps retained messages in memory and saves them only now and then ({@code autosave_interval}), so
 *       after its crash it may hold an older version or none. A gateway ignores a version it already applied, so
 *       publishing one again costs a message;
 *   <li>every {@code vitalwire.ingest.gateway-config.retry-interval} (30 s), publishes versions the broker has not
 *       acknowledged (it was away when they were issued);
 *   <li>when a hub moves to another tenant, publishes it on the new tenant's topic and withdraws it from the old
 *       one's;
 *   <li>on each change of a device's installation, issues and publishes the next version of the hubs before and
 *       after whose allow-list follows the registry (off the caller's thread: a first use happens while readings
 *       are taken).
 * </ul>
 */
@Singleton
public class ConfigRepublisher {

    private static final Logger LOG = LoggerFactory.getLogger(ConfigRepublisher.class);
    private static final int PAGE = 500;

    private final GatewayConfigs configs;
    /** Absent where cloud-ingest runs without MQTT: versions are still issued, for a later start to publish. */
    private final BeanProvider<ConfigPublisher> publisher;

    public ConfigRepublisher(GatewayConfigs configs, BeanProvider<ConfigPublisher> publisher) {
        this.configs = configs;
        this.publisher = publisher;
    }

    @EventListener
    @Async
    public void onStartup(StartupEvent event) {
        if (!publisher.isPresent()) {
            return;
        }
        int forgotten = configs.forgetPublished();
        int published = publishUnpublished();
        LOG.info("gateway configurations published again at start-up: {} of {} (the rest by the retry)", published,
                forgotten);
    }

    @Scheduled(fixedDelay = "${vitalwire.ingest.gateway-config.retry-interval:30s}", initialDelay = "30s")
    void retryUnpublished() {
        publishUnpublished();
    }

    /**
     * Publishes what the broker has not acknowledged, page by page, until none is left or one fails: a broker that
     * is away would make each of thousands of hubs wait for its connect timeout, so the rest waits for the retry.
     *
     * @return how many were published
     */
    private int publishUnpublished() {
        if (!publisher.isPresent()) {
            return 0;
        }
        int published = 0;
        List<StoredConfig> page;
        do {
            page = configs.unpublished(PAGE);
            for (StoredConfig stored : page) {
                if (!publisher.get().publish(stored)) {
                    return published;
                }
                published++;
            }
        } while (!page.isEmpty());
        return published;
    }

    /**
     * A hub moved to another tenant: its configuration is published on the new tenant's topic and withdrawn from the
     * old one's.
     */
    @EventListener
    @Async
    public void onTenantChanged(TenantChanged change) {
        configs.moveTenant(change.gateway(), change.after()).ifPresent(before -> {
            publisher.ifPresent(p -> p.withdraw(before.tenant(), before.gateway()));
            int published = publishUnpublished();
            LOG.info("hub {} moved tenant: its configuration published on the new tenant's topic ({} published)",
                    change.gateway(), published);
        });
    }

    @EventListener
    @Async
    public void onInstallationChanged(InstallationChanged change) {
        if (change.before() != null && !change.before().equals(change.after())) {
            follow(change.before());
        }
        follow(change.after());
    }

    private void follow(Hub hub) {
        try {
            configs.followRegistry(hub).ifPresent(issued -> publisher.ifPresent(p -> p.publish(issued)));
        } catch (IllegalArgumentException e) {
            // More devices than a configuration may list: the hub keeps its last version; the operator sees it.
            LOG.error("hub {}: its devices in the registry make no valid configuration ({}); it keeps the version it has",
                    hub, e.getMessage());
        }
    }
}
