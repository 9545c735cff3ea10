"""Writes for literacy. `platform_event_record` is the documented entry point for other apps:

    from literacy.services import platform_event_record
    platform_event_record(user=user, kind="sandbox.prompt_run", ref=str(run.pk))

It is idempotent per (user, kind, ref) and awards any badge whose criteria the event completes.
"""

from literacy.services.badges import KNOWN_EVENT_KINDS, platform_event_record

__all__ = ["KNOWN_EVENT_KINDS", "platform_event_record"]
