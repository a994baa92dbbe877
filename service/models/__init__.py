"""Every table of the service, one module per subject; import them from here.

`from service.models import Response, OutboxEntry, Base` works for every table: importing
this package registers them all on `Base.metadata` (what Alembic compares against).
"""

from service.models.access import AccessLink
from service.models.base import Base, utcnow
from service.models.consultations import Consultation, ConsultationComment, ConsultationInvite
from service.models.exports import EXPORT_STALLED, ExportChunk, ExportJob
from service.models.forms import PendingUpload, PublishedForm
from service.models.mail import MailMessage
from service.models.plans import Plan, PlanNumber, Response, Revision
from service.models.sessions import SignedInSession
from service.models.sync import OutboxEntry, SyncTarget, SyncWorker

__all__ = [
    "EXPORT_STALLED",
    "AccessLink",
    "Base",
    "Consultation",
    "ConsultationComment",
    "ConsultationInvite",
    "ExportChunk",
    "ExportJob",
    "MailMessage",
    "OutboxEntry",
    "PendingUpload",
    "Plan",
    "PlanNumber",
    "PublishedForm",
    "Response",
    "Revision",
    "SignedInSession",
    "SyncTarget",
    "SyncWorker",
    "utcnow",
]
