package io.vitalwire.ingest.tenancy;

/**
 * An operator registered a gateway under a tenant: a first registration ({@code before} null) or a move from another
 * tenant. Published after the change is committed, for what keeps per-tenant copies (the hub's retained
 * configuration lives on a topic under its tenant).
 */
public record TenantChanged(String gateway, String before, String after) {
}
