"""An aiosmtpd handler that answers each message's DATA only after a delay:
a slow SMTP server, for the test that the outbox sends every mail once
however long each one takes. Run as
`python3 -m aiosmtpd -n -l HOST:PORT -c slow_smtp.SlowMailbox MAILDIR SECONDS`
with this folder on PYTHONPATH."""

import asyncio

from aiosmtpd.handlers import Mailbox


class SlowMailbox(Mailbox):
    def __init__(self, mail_dir, delay):
        super().__init__(mail_dir)
        self.delay = delay

    async def handle_DATA(self, server, session, envelope):
        await asyncio.sleep(self.delay)
        return await super().handle_DATA(server, session, envelope)

    @classmethod
    def from_cli(cls, parser, *args):
        if len(args) != 2:
            parser.error("SlowMailbox takes a maildir and a delay in seconds")
        return cls(args[0], float(args[1]))
