"""China Standard Time, the zone naive timestamps from Chinese source systems are read in."""

from __future__ import annotations

from datetime import timedelta, timezone

CST_OFFSET_SECONDS = 8 * 3600
CHINA_STANDARD_TIME = timezone(timedelta(seconds=CST_OFFSET_SECONDS))
