"""Events: the CloudEvents envelope, typed event models, subjects and schemas."""
from linli_shared.events.envelope import CloudEvent, EventData, event_types, new_event

__all__ = ["CloudEvent", "EventData", "event_types", "new_event"]
