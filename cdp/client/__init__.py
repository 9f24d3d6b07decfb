"""A typed HTTP client of the privacy-cdp API for CRM modules (needs httpx and pydantic only).

    from cdp.client import CdpClient, ConsentRequired

    with CdpClient("https://cdp.bank.internal", api_key="cdpk_...", purpose="P01") as cdp:
        record = cdp.read_customer(customer_id, fields=["full_name", "mobile"])
        record.fields["mobile"].access   # "clear" | "masked" | "denied"

`AsyncCdpClient` has the same methods, awaited. Errors are `CdpApiError` subclasses carrying the
problem's status, code, title, field names and request id (never a value).
"""

from cdp.client._core import AuditFilters
from cdp.client.aio import AsyncCdpClient
from cdp.client.errors import (
    CdpApiError,
    CdpError,
    CdpProtocolError,
    CdpTransportError,
    Conflict,
    ConsentRequired,
    Forbidden,
    Gone,
    InvalidRequest,
    NotFound,
    PayloadTooLarge,
    ServerError,
    Unauthorized,
    Unavailable,
)
from cdp.client.models import (
    AccessReport,
    ApiClientInfo,
    ApiClients,
    AuditCsvPage,
    AuditEvent,
    AuditEventsPage,
    ConsentEventResult,
    ConsentEventsResult,
    ConsentProof,
    ConsentState,
    CustomerConsents,
    CustomerRecord,
    FieldValue,
    Health,
    IngestResult,
    KekStatus,
    KeyStatus,
    NewApiClient,
    PolicyVersion,
    RecordError,
    RecordResult,
    RowProblem,
    Token,
    UpdateResult,
    VerifyResult,
)
from cdp.client.sync import CdpClient

__all__ = [
    "AccessReport",
    "ApiClientInfo",
    "ApiClients",
    "AsyncCdpClient",
    "AuditCsvPage",
    "AuditEvent",
    "AuditEventsPage",
    "AuditFilters",
    "CdpApiError",
    "CdpClient",
    "CdpError",
    "CdpProtocolError",
    "CdpTransportError",
    "Conflict",
    "ConsentEventResult",
    "ConsentEventsResult",
    "ConsentProof",
    "ConsentRequired",
    "ConsentState",
    "CustomerConsents",
    "CustomerRecord",
    "FieldValue",
    "Forbidden",
    "Gone",
    "Health",
    "IngestResult",
    "InvalidRequest",
    "KekStatus",
    "KeyStatus",
    "NewApiClient",
    "NotFound",
    "PayloadTooLarge",
    "PolicyVersion",
    "RecordError",
    "RecordResult",
    "RowProblem",
    "ServerError",
    "Token",
    "Unauthorized",
    "Unavailable",
    "UpdateResult",
    "VerifyResult",
]
