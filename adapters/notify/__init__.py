"""Change notifications: every publication and withdrawal sent to the subscribers an admin
registered, as signed CloudEvents (see :mod:`.events`, :mod:`.delivery`, :mod:`.notifier`)."""

from adapters.notify.delivery import Outcome, deliver, signed_headers
from adapters.notify.events import event
from adapters.notify.guard import Target, check_url, resolve
from adapters.notify.notifier import Notifier, NotifierSettings, backoff

__all__ = ["Notifier", "NotifierSettings", "Outcome", "Target", "backoff", "check_url",
           "deliver", "event", "resolve", "signed_headers"]
