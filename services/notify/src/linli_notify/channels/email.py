"""E-mail through SMTP (aiosmtplib): 5xx answers are permanent, 4xx and a server that is down are temporary."""
from __future__ import annotations

from email.message import EmailMessage

import aiosmtplib

from linli_notify.channels.base import Message
from linli_notify.domain.retry import Outcome, ok, permanent, temporary


class EmailChannel:
    name = "email"

    def __init__(self, host: str, port: int, sender: str, timeout: float, username: str | None = None,
                 password: str | None = None, starttls: bool = False) -> None:
        self.host, self.port, self.sender, self.timeout = host, port, sender, timeout
        self.username, self.password, self.starttls = username, password, starttls

    async def send(self, message: Message) -> Outcome:
        mail = EmailMessage()
        mail["From"], mail["To"] = self.sender, message.address
        mail["Subject"] = message.subject or "邻里通知"
        mail["Message-ID"] = f"<{message.notification_id}@linli>"
        mail.set_content(message.body)
        try:
            await aiosmtplib.send(mail, hostname=self.host, port=self.port, timeout=self.timeout,
                                  username=self.username, password=self.password, start_tls=self.starttls)
        except aiosmtplib.SMTPRecipientsRefused as exc:
            codes = [response.code for response in exc.recipients]
            kind = permanent if all(code >= 500 for code in codes) else temporary
            return kind(f"email.refused_{codes[0] if codes else 'unknown'}", str(exc))
        except aiosmtplib.SMTPResponseException as exc:
            kind = permanent if exc.code >= 500 else temporary
            return kind(f"email.smtp_{exc.code}", exc.message)
        except (aiosmtplib.SMTPException, OSError, TimeoutError) as exc:
            return temporary("email.unreachable", f"{type(exc).__name__}: {exc}")
        return ok("smtp")
