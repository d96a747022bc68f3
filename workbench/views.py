"""The staff workbench: one page that talks to the same GraphQL API and websocket as the apps.

The page is static apart from its words: every label, status and message it shows is translated
here (zh-Hans by default, English when the browser asks) and handed to the script as JSON.
"""

from django.conf import settings
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from chat.models import CloseReason, ConversationStatus, SenderKind
from operations.models import Availability, Language, TaskKind, TaskOutcome, TaskStatus
from operations.services.completion import CALL_KINDS, completion_for
from policies.models import Frequency, PolicyStatus, RequestStatus, RequestType
from policies.services.review import FRAUD_SIGNALS

# Words the script puts together itself (the rest comes from the choices below or the server).
WORDS = {
    "loginFailed": _("Phone or password is wrong."),
    "staffOnly": _("This workbench is for staff. Please use the app."),
    "sessionEnded": _("Your session has ended. Please log in again."),
    "connected": _("Connected"),
    "reconnecting": _("Reconnecting…"),
    "offlineNet": _("No connection: your work is kept and will be sent when the connection returns."),
    "elderly": _("Elderly"),
    "waited": _("Waited %(time)s"),
    "served": _("In the chat for %(time)s"),
    "dueIn": _("Due in %(time)s"),
    "overdueBy": _("Overdue by %(time)s"),
    "atRisk": _("At risk"),
    "overdue": _("Overdue"),
    "accept": _("Accept"),
    "open": _("Open"),
    "noChats": _("No chats in progress."),
    "noTasks": _("No tasks assigned to you."),
    "queueEmpty": _("Nobody is waiting."),
    "poolEmpty": _("No open tasks you can take."),
    "sending": _("Sending…"),
    "sendFailed": _("Not sent."),
    "retry": _("Retry"),
    "read": _("Read"),
    "unread": _("New messages"),
    "typing": _("The customer is typing…"),
    "privateNote": _("Private note"),
    "notePlaceholder": _("A note for colleagues; the customer never sees it"),
    "replyPlaceholder": _("Reply to the customer (Enter to send, Shift+Enter for a new line)"),
    "chooseColleague": _("Choose a colleague"),
    "chooseLanguage": _("Or a colleague who speaks…"),
    "transferred": _("Chat transferred."),
    "closed": _("Chat closed."),
    "completed": _("Task completed."),
    "released": _("Task handed back to the pool."),
    "reassigned": _("Task reassigned."),
    "accepted": _("Task accepted."),
    "callStarted": _("Call the customer on this number now."),
    "startCall": _("Start the call"),
    "maskedUntilCall": _("The number is shown when the call starts."),
    "reasonRequired": _("Please give the reason."),
    "scoreRequired": _("Please give a score from 0 to 100."),
    "fraudSignals": _("Fraud signals"),
    "reasons": _("Why it needs a person"),
    "amount": _("Amount"),
    "requestType": _("Request"),
    "requestStatus": _("Status"),
    "submittedAt": _("Submitted"),
    "leftMessage": _("Message left"),
    "application": _("Application"),
    "product": _("Product"),
    "sumAssured": _("Sum assured"),
    "premium": _("Premium"),
    "ageAtEntry": _("Age at entry"),
    "healthAnswers": _("Health answers"),
    "answerYes": _("Yes"),
    "answerNo": _("No"),
    "progress": _("Progress"),
    "policyNumber": _("Policy"),
    "effectiveDate": _("In force since"),
    "termYears": _("%(years)s years"),
    "survey": _("Survey"),
    "comment": _("Comment"),
    "customerPanel": _("Customer"),
    "customerHidden": _("Shown while you hold a task or chat about this customer."),
    "phone": _("Phone"),
    "idNumber": _("ID number"),
    "age": _("Age"),
    "policies": _("Policies"),
    "openRequests": _("Open requests"),
    "recentChats": _("Recent chats"),
    "recentSurveys": _("Recent surveys"),
    "notAnswered": _("Not answered yet"),
    "openTasks": _("Open tasks"),
    "none": _("None"),
    "years": _("%(n)s years"),
    "chooseWork": _("Choose a chat or a task on the left."),
    "taskFinished": _("This task is finished."),
    "noteLabel": _("Note"),
    "score": _("Score (0–100)"),
    "release": _("Hand back"),
    "board": _("Board"),
    "desk": _("Desk"),
    "kind": _("Kind"),
    "openCount": _("Open"),
    "atRiskCount": _("At risk"),
    "overdueCount": _("Overdue"),
    "staffMember": _("Staff member"),
    "status": _("Status"),
    "activeTasks": _("Tasks"),
    "activeChats": _("Chats"),
    "atRiskTasks": _("Tasks at risk or overdue"),
    "assignee": _("Held by"),
    "unassigned": _("In the pool"),
    "reassign": _("Reassign"),
    "slaAlert": _("A task is at risk of missing its deadline: %(kind)s, %(customer)s."),
    "slaOverdueAlert": _("A task is overdue: %(kind)s, %(customer)s."),
    "newChat": _("A chat was given to you."),
    "newTask": _("A task was given to you: %(kind)s."),
    "error": _("Something went wrong. Please try again."),
    "minutes": _("%(n)s min"),
    "hours": _("%(h)s h %(m)s min"),
    "days": _("%(d)s d %(h)s h"),
    "seconds": _("%(n)s s"),
    "shortcuts": _("Shortcuts: Enter send · Alt+N next task · Alt+A accept the first waiting"),
    "you": _("You"),
}


def _choices(choices) -> dict:
    # Keyed by member name: that is how GraphQL spells the enum (SpokenLanguage.CANTONESE is "yue").
    return {member.name: str(member.label) for member in choices}


@require_GET
def workbench(request):
    words = {key: str(text) for key, text in WORDS.items()}
    labels = {
        "availability": _choices(Availability),
        "language": _choices(Language),
        "taskKind": _choices(TaskKind),
        "taskStatus": _choices(TaskStatus),
        "outcome": _choices(TaskOutcome),
        "closeReason": {k: v for k, v in _choices(CloseReason).items() if k != CloseReason.IDLE.name},
        "conversationStatus": _choices(ConversationStatus),
        "senderKind": _choices(SenderKind),
        "requestType": _choices(RequestType),
        "requestStatus": _choices(RequestStatus),
        "policyStatus": _choices(PolicyStatus),
        "frequency": _choices(Frequency),
    }
    config = {
        "words": words,
        "labels": labels,
        "fraudSignals": list(FRAUD_SIGNALS),
        # What completing each kind takes (the same table completeTask checks).
        "completions": {
            kind: {
                "outcomes": list(completion_for(kind).outcomes),
                "noteRequired": list(completion_for(kind).note_required),
                "scoreRequired": list(completion_for(kind).score_required),
            }
            for kind in TaskKind.values
        },
        "callKinds": sorted(CALL_KINDS),
        # Heartbeats well inside the 60 s after which a silent person is made OFFLINE.
        "heartbeatSeconds": 20,
        "debug": settings.DEBUG,
    }
    return render(request, "workbench/index.html", {"config": config})
