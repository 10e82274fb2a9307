"""Models every app needs and none owns."""

from gongkai.core.models.audit import AuditEntry
from gongkai.core.models.calendar import CalendarDay, CalendarYear
from gongkai.core.models.exports import Export
from gongkai.core.models.mail import OutgoingMail
from gongkai.core.models.numbering import SerialCounter
from gongkai.core.models.passwords import PasswordHistory
from gongkai.core.models.schedule import ScheduledRun
from gongkai.core.models.users import User

__all__ = [
    "AuditEntry",
    "CalendarDay",
    "CalendarYear",
    "Export",
    "OutgoingMail",
    "PasswordHistory",
    "ScheduledRun",
    "SerialCounter",
    "User",
]
