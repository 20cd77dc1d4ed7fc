"""The CloudEvents envelope and the settings' guard against placeholder secrets."""
from __future__ import annotations

import pytest
from pydantic import ValidationError

from linli_shared.events import CloudEvent, EventData, new_event
from linli_shared.settings import ServiceSettings


class ParcelDelivered(EventData):
    TYPE = "linli.envtest.parcel.delivered.v1"
    parcel_id: str


def test_envelope_carries_the_contract_fields():
    event = new_event(ParcelDelivered(parcel_id="p1"), service="envtest", subject="p1",
                      community="130303001001", aggregate_version=3)
    body = event.model_dump(mode="json")
    assert {"specversion", "id", "source", "type", "subject", "time", "datacontenttype", "data", "community",
            "traceparent", "aggregateversion"} <= body.keys()
    assert (body["source"], event.nats_subject) == (
        "/linli/envtest", "linli.envtest.parcel.delivered.v1.130303001001")
    assert isinstance(CloudEvent.model_validate_json(event.model_dump_json()).typed(), ParcelDelivered)


def test_a_service_cannot_emit_another_services_events():
    with pytest.raises(ValueError, match="registry may not emit linli.envtest.parcel.delivered.v1"):
        new_event(ParcelDelivered(parcel_id="p1"), service="registry", subject="p1", community="1", aggregate_version=1)


def test_event_types_must_follow_the_naming_rule():
    with pytest.raises(ValueError, match="must look like linli.<service>.<aggregate>.<verb>.v<N>"):
        class Wrong(EventData):
            TYPE = "registry.resident.created"


def test_production_refuses_placeholder_secrets():
    with pytest.raises(ValidationError):
        ServiceSettings(environment="production")
    ok = ServiceSettings(environment="production", service_name="registry",  # random, as deploy/.env asks
                         jwt_secret="Vq7Lr2Xw9Kd4Tn8Hm3Zb6Jc1Pf5Ys0Ga",
                         pii_key="Sm9ZcFhLd2VtN0FxUnQ0Vm44Yk0yS2M1SHo5V2ExTGc=",
                         pii_hash_key="Y3FXc0dwVDRrOXpMbTJ2UjdOeDFIYjZKZjNZdThFZFM=",
                         jwt_jwks_url="https://idp.district.example/jwks", jwt_audience="linli")
    assert ok.mongo_db == "linli_registry"
