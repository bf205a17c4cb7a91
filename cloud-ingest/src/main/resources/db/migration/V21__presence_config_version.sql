-- The configuration version a gateway applied, as its last heartbeat reported it (contract 1.2, GatewayStatus
-- configVersion; null: it runs on its local configuration, or speaks an older contract). The fleet view shows it
-- beside the version cloud-ingest issued (gateway_config.version): a hub behind is a hub that did not apply it.
ALTER TABLE gateway_presence ADD COLUMN config_version BIGINT;
