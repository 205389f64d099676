#!/usr/bin/python3
# smtp_sink.py: a local SMTP server for the mail tests (Debian's python3-aiosmtpd).
#   /usr/bin/python3 tests/smtp_sink.py PORT DIR
# Listens on 127.0.0.1:PORT and writes each message it accepts to DIR as
# N.eml (the bytes received) and N.json: the envelope, and the headers and
# body as Python's email package decodes them (RFC 2047 words, base64), so
# the tests check what a mail reader would show. DIR/ready appears once it
# listens. SIGTERM stops it, or the end of the process that started it.
import email
import email.policy
import json
import os
import signal
import sys
import threading

from aiosmtpd.controller import Controller


class Sink:
    def __init__(self, folder):
        self.folder = folder
        self.count = 0
        self.lock = threading.Lock()

    def write(self, name, data):
        tmp = os.path.join(self.folder, name + ".tmp")
        with open(tmp, "wb") as f:
            f.write(data)
        os.rename(tmp, os.path.join(self.folder, name))

    async def handle_DATA(self, server, session, envelope):
        raw = envelope.original_content or envelope.content
        msg = email.message_from_bytes(raw, policy=email.policy.default)
        head = raw.split(b"\r\n\r\n", 1)[0]
        decoded = {
            "mail_from": envelope.mail_from,
            "rcpt_tos": envelope.rcpt_tos,
            # every line of the header ends with CRLF, none is longer than 998 bytes
            "crlf": b"\n" not in raw.replace(b"\r\n", b""),
            "longest_line": max(len(l) for l in raw.split(b"\r\n")),
            "header_ascii": all(b < 128 for b in head),
            "headers": {k: str(v) for k, v in msg.items()},
            "content_type": msg.get_content_type(),
            "charset": msg.get_content_charset(),
            "body": msg.get_content() if msg.get_content_maintype() == "text" else None,
            "defects": [str(d) for d in msg.defects],
        }
        with self.lock:
            self.count += 1
            n = self.count
        self.write("%d.eml" % n, raw)
        self.write("%d.json" % n, json.dumps(decoded, ensure_ascii=False).encode("utf-8"))
        return "250 OK"


def main():
    port, folder = int(sys.argv[1]), sys.argv[2]
    controller = Controller(Sink(folder), hostname="127.0.0.1", port=port)
    controller.start()
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    with open(os.path.join(folder, "ready"), "w") as f:
        f.write("%d\n" % port)
    parent = os.getppid()
    # stop with the test, also when it crashed without stopping the sink
    while not stop.wait(0.5) and os.getppid() == parent:
        pass
    controller.stop()


if __name__ == "__main__":
    main()
