"""An outside system subscribing to Linli's events: a durable pull consumer, filtered, acknowledged.

    NATS_PASSWORD=<the reader's password> python docs/examples/subscribe.py \
        --url tls://<Linli's NATS host>:4222 --ca-file linli-nats-ca.crt --user reader \
        --durable ext-example-v1 --subject 'linli.registry.resident.*.v1.130303001001'

Locally (`make run`): `--url nats://127.0.0.1:4222 --user reader` and NATS_PASSWORD=linli-dev-reader, no CA.
Needs only `pip install nats-py`. The first run replays the stream from the start (your projection is
built from history); later runs continue where the durable consumer stopped. Change the filter? Use a
new durable name (-v2): a durable consumer's configuration cannot change in place.

The `reader` user may use only the consumers deploy/nats/nats.conf names for it (`ext-<system>-v<N>`,
each on one stream: ask Linli's operators to register yours) and hears replies only on `_INBOX_reader`.
In production NATS speaks TLS only, with a certificate signed by the CA the operators give you (--ca-file).
"""
from __future__ import annotations

import argparse
import asyncio
import json
import os
import ssl

import nats
from nats.js.api import AckPolicy, ConsumerConfig, DeliverPolicy


def connect_options(user: str | None, ca_file: str | None, inbox_prefix: str) -> dict:
    """The user and its password (never on the command line, where `ps` shows it), and our CA if given."""
    options: dict = {"inbox_prefix": inbox_prefix}
    if user:
        if not os.environ.get("NATS_PASSWORD"):
            raise SystemExit(f"set NATS_PASSWORD to the password of the NATS user {user}")
        options |= {"user": user, "password": os.environ["NATS_PASSWORD"]}
    if ca_file:
        options["tls"] = ssl.create_default_context(cafile=ca_file)
    return options


async def main(url: str, stream: str, durable: str, subject: str, limit: int | None, options: dict) -> None:
    nc = await nats.connect(url, **options)
    js = nc.jetstream()
    # `name` too: the request then names the consumer in its subject, which is what the server grants
    await js.add_consumer(stream, ConsumerConfig(name=durable, durable_name=durable, ack_policy=AckPolicy.EXPLICIT,
                                                 deliver_policy=DeliverPolicy.ALL, filter_subjects=[subject]))
    sub = await js.pull_subscribe_bind(durable, stream=stream)
    seen = 0
    try:
        while limit is None or seen < limit:
            try:
                messages = await sub.fetch(50, timeout=5)
            except nats.errors.TimeoutError:  # an empty stream answers with a timeout: keep polling
                continue
            for msg in messages:
                event = json.loads(msg.data)  # a CloudEvent; event["id"] == msg.headers["Nats-Msg-Id"]
                print(json.dumps({"type": event["type"], "subject": event["subject"], "community": event["community"],
                                  "version": event["aggregateversion"], "id": event["id"]}, ensure_ascii=False))
                await msg.ack()  # acknowledge only after your own state is saved
                seen += 1
    finally:
        await nc.close()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--url", default="nats://127.0.0.1:4222", help="production: tls://<host>:4222")
    parser.add_argument("--user", default=None, help="your NATS user (reader); its password in NATS_PASSWORD")
    parser.add_argument("--ca-file", default=None, help="the CA that signed NATS's certificate (production)")
    parser.add_argument("--stream", default="REGISTRY")
    parser.add_argument("--durable", default="ext-example-v1")
    parser.add_argument("--subject", default="linli.registry.>")
    parser.add_argument("--limit", type=int, default=None, help="stop after this many events")
    parser.add_argument("--inbox-prefix", default="_INBOX_reader", help="_INBOX_<your NATS user>")
    args = parser.parse_args()
    options = connect_options(args.user, args.ca_file, args.inbox_prefix)
    asyncio.run(main(args.url, args.stream, args.durable, args.subject, args.limit, options))
