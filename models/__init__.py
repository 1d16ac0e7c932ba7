"""The schema (SQLModel tables) and the store that opens it on SQLite or PostgreSQL."""
from models.channels import KfCursor, KfCustomer, ReportPhoto, WebReport
from models.deadlines import Deadline, Escalation, EscalationNotice
from models.duties import ScheduleRun, Visit, WatchedPerson
from models.intake import CallbackNonce, Conversation, InboxMessage
from models.login_guard import LoginFailure, LoginLock
from models.media import MediaFile
from models.outbox import Outbox, SharedValue
from models.people import Grid, Member, Resident
from models.photos import Photo
from models.sessions import WebSession
from models.tickets import Assignment, AuditLog, Feedback, Ticket, TicketReporter
from models.triage_desk import SuspectReport, TriageCorrection

__all__ = ["Grid", "Member", "Resident", "Conversation", "InboxMessage", "Assignment", "AuditLog",
           "Feedback", "Ticket", "TicketReporter", "Deadline", "Escalation", "EscalationNotice", "Outbox",
           "SharedValue", "ScheduleRun", "Visit", "WatchedPerson", "KfCursor", "KfCustomer", "ReportPhoto", "WebReport",
           "Photo", "MediaFile", "SuspectReport", "TriageCorrection", "CallbackNonce", "WebSession", "LoginFailure", "LoginLock"]
