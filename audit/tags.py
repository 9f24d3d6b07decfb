"""Audit tags: what a governed operation did, as `domain[:subject]:verb` (DOMAIN.md §11).

Stored records decode by these values, so a tag is never renamed or removed once released; retire
one by leaving it here with a comment, as pypi/warehouse does with its event tags.
"""

from __future__ import annotations

from enum import StrEnum


class AuditTag(StrEnum):
    """The action an audit event records."""

    AUTH_LOGIN = "auth:login"
    AUTH_FAILURE = "auth:failure"
    API_REFUSED = "api:refused"  # a request refused before routing (e.g. an oversized body)

    PROFILE_READ = "profile:read"  # a governed read of a whole profile
    PROFILE_FIELD_READ = "profile:field:read"  # a governed read naming fields
    PROFILE_SEARCH = "profile:search"
    PROFILE_WRITE = "profile:write"
    PROFILE_INGEST = "profile:ingest"
    PROFILE_C3_REFUSED = "profile:c3:refused"  # type and source only, never the value

    CONSENT_EVENT = "consent:event"
    CONSENT_IMPORT = "consent:import"
    CONSENT_READ = "consent:read"  # a customer's consent states or proof read through the API

    SEGMENT_CREATE = "segment:create"
    SEGMENT_PUBLISH = "segment:publish"
    SEGMENT_RUN = "segment:run"
    CAMPAIGN_CREATE = "campaign:create"  # an audience snapshot bound to a channel and content
    CAMPAIGN_SEND = "campaign:send"  # one event per send batch: the resolved subjects, no address
    CAMPAIGN_RESPONSE = "campaign:response"  # channel responses recorded (counts only)
    EXPORT = "export"

    DSR_ACCESS = "dsr:access"
    DSR_ERASE = "dsr:erase"
    DSR_RECTIFY = "dsr:rectify"

    POLICY_RELOAD = "policy:reload"

    MASKED_REBUILD = "masked:rebuild"  # the masked view recomputed in bulk (counts only)

    KEY_ROTATE = "key:rotate"
    KEY_RETIRE = "key:retire"
    KEY_SHRED = "key:shred"
    KEY_STATUS = "key:status"  # KEK versions and data-key counts read

    AUDIT_VERIFY = "audit:verify"
    AUDIT_CHECKPOINT = "audit:checkpoint"
    AUDIT_PRUNE = "audit:prune"
    AUDIT_QUERY = "audit:query"  # a compliance query or report over the trail

    CLIENT_ADD = "client:add"  # an API client registered (id and name, never its key)
    CLIENT_DISABLE = "client:disable"
    CLIENT_LIST = "client:list"  # the registered API clients listed (names and roles only)

    TAG_DELETE = "tag:delete"  # a customer deleted a tag used to target them (Algorithm Art 17)

    @property
    def domain(self) -> str:
        """Returns the leading part (`dsr` for `dsr:erase`), for filters such as `dsr:*`."""
        return self.value.split(":", 1)[0]

    @property
    def verb(self) -> str:
        """Returns the trailing part (`read` for `profile:field:read`)."""
        return self.value.rsplit(":", 1)[-1]


class Decision(StrEnum):
    """How the operation ended: allowed, refused by policy or consent, or failed."""

    ALLOW = "allow"
    DENY = "deny"
    ERROR = "error"
