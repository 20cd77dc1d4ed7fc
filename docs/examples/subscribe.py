"""An outside system subscribing to Linli's events: a durable pull consumer, filtered, acknowledged.

    python docs/examples/subscribe.py --url nats://reader:<password>@127.0.0.1:4222 \
        --durable ext-example-v1 --subject 'linli.registry.resident.*.v1.130303001001'

Needs only `pip install nats-py`. The first run replays the stream from the start (your projection is
built from history); later runs continue where the durable consumer stopped. Change the filter? Use a
new durable name (-v2): a durable consumer's configuration cannot change in place.

The `reader` user may use only the consumers deploy/nats/nats.conf names for it (`ext-<system>-v<N>`,
each on one stream: ask Linli's operators to register yours) and hears replies only on `_INBOX_reader`.
"""
from __future__ import annotations

import argparse
import asyncio
import json

import nats
from nats.js.api import AckPolicy, ConsumerConfig, DeliverPolicy


async def main(url: str, stream: str, durable: str, subject: str, limit: int | None, inbox_prefix: str) -> None:
    nc = await nats.connect(url, inbox_prefix=inbox_prefix)
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
    parser.add_argument("--url", default="nats://127.0.0.1:4222")
    parser.add_argument("--stream", default="REGISTRY")
    parser.add_argument("--durable", default="ext-example-v1")
    parser.add_argument("--subject", default="linli.registry.>")
    parser.add_argument("--limit", type=int, default=None, help="stop after this many events")
    parser.add_argument("--inbox-prefix", default="_INBOX_reader", help="_INBOX_<your NATS user>")
    args = parser.parse_args()
    asyncio.run(main(args.url, args.stream, args.durable, args.subject, args.limit, args.inbox_prefix))
