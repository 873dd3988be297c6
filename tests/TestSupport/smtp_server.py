"""A real SMTP server for the Notifications tests (aiosmtpd, from Debian's python3-aiosmtpd).

Saves each message it accepts as <directory>/<uuid>.eml, with the SMTP envelope in X-Envelope-* headers,
prints "ready <port>" once it listens on 127.0.0.1, and stops when its standard input closes.
With --reject-recipients it refuses every RCPT TO with 550.
"""
import argparse
import os
import sys
import uuid

from aiosmtpd.controller import Controller


class SaveMessages:
    def __init__(self, directory, reject_recipients):
        self.directory = directory
        self.reject_recipients = reject_recipients

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if self.reject_recipients:
            return "550 5.1.1 Recipient address rejected: user unknown"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        content = envelope.original_content or envelope.content
        if isinstance(content, str):
            content = content.encode("utf-8")
        headers = (
            f"X-Envelope-From: {envelope.mail_from}\r\n"
            f"X-Envelope-To: {', '.join(envelope.rcpt_tos)}\r\n"
        ).encode("utf-8")
        name = uuid.uuid4().hex
        partial = os.path.join(self.directory, name + ".part")
        with open(partial, "wb") as file:
            file.write(headers + content)
        # Renamed only when complete, so a reader never sees half a message.
        os.replace(partial, os.path.join(self.directory, name + ".eml"))
        return "250 Message accepted"


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("directory")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--reject-recipients", action="store_true")
    args = parser.parse_args()

    os.makedirs(args.directory, exist_ok=True)
    controller = Controller(
        SaveMessages(args.directory, args.reject_recipients), hostname="127.0.0.1", port=args.port)
    controller.start()
    print(f"ready {args.port}", flush=True)
    try:
        sys.stdin.read()
    finally:
        controller.stop()


if __name__ == "__main__":
    main()
