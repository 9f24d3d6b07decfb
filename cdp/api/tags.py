"""Which audit tag each route's boundary refusals are recorded under (by route name)."""

from __future__ import annotations

from types import MappingProxyType

from audit.tags import AuditTag

ROUTE_TAGS = MappingProxyType(
    {
        "read_customer": AuditTag.PROFILE_READ,
        "search_customers": AuditTag.PROFILE_SEARCH,
        "write_customer": AuditTag.PROFILE_WRITE,
        "ingest_records": AuditTag.PROFILE_INGEST,
        "record_consent_events": AuditTag.CONSENT_EVENT,
        "read_consents": AuditTag.CONSENT_READ,
        "consent_proof": AuditTag.CONSENT_READ,
        "audit_events": AuditTag.AUDIT_QUERY,
        "access_report": AuditTag.AUDIT_QUERY,
        "verify_audit": AuditTag.AUDIT_VERIFY,
        "reload_policy": AuditTag.POLICY_RELOAD,
        "key_status": AuditTag.KEY_STATUS,
        "list_clients": AuditTag.CLIENT_LIST,
        "add_client": AuditTag.CLIENT_ADD,
        "disable_client": AuditTag.CLIENT_DISABLE,
        "issue_token": AuditTag.AUTH_LOGIN,
        "create_segment": AuditTag.SEGMENT_CREATE,
        "list_segments": AuditTag.SEGMENT_CREATE,
        "show_segment": AuditTag.SEGMENT_CREATE,
        "publish_segment": AuditTag.SEGMENT_PUBLISH,
        "run_segment": AuditTag.SEGMENT_RUN,
        "record_campaign_responses": AuditTag.CAMPAIGN_RESPONSE,
    }
)
