#!/usr/bin/env python3
"""payment_gateway.py: the sandbox payment provider motcua's tests (and a trial) run locally.

usage: payment_gateway.py PORT SECRET_FILE

It plays the provider's two sides, on 127.0.0.1 only:
  GET  /pay?payment=&amount=&dossier=&return=&callback=   the payer's page: "Thanh toán" / "Hủy"
  POST /pay/confirm   (the page's form) tells motcua by a signed callback, then sends the
                      payer back to `return`
  POST /test/callback {"payment", "amount", "callback", "outcome": "paid"|"failed", "ref",
                       "times": 1, "bad_signature": false}
                      for tests: sends the callback `times` times and answers
                      {"statuses": [...], "bodies": [...]} with motcua's answers.
A callback is POST `callback` with the JSON body {"payment", "status", "amount", "ref"} and the
header "X-Signature: sha256=<hex HMAC-SHA256 of the body with the secret>".
"""
import hashlib
import hmac
import html
import json
import sys
import urllib.error
import urllib.parse
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

SECRET = b""


def send_callback(url, payment, amount, outcome, ref, bad=False):
    body = json.dumps({"payment": int(payment), "status": outcome, "amount": int(amount), "ref": ref},
                      separators=(",", ":")).encode()
    mac = hmac.new(SECRET if not bad else SECRET + b"x", body, hashlib.sha256).hexdigest()
    req = urllib.request.Request(url, data=body, method="POST",
                                 headers={"Content-Type": "application/json", "X-Signature": "sha256=" + mac})
    try:
        with urllib.request.urlopen(req, timeout=30) as r:
            return r.status, r.read().decode()
    except urllib.error.HTTPError as e:
        return e.code, e.read().decode()


class Handler(BaseHTTPRequestHandler):
    def log_message(self, *args):
        pass

    def reply(self, status, ctype, body, headers=()):
        data = body.encode()
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(data)))
        for k, v in headers:
            self.send_header(k, v)
        self.end_headers()
        self.wfile.write(data)

    def body(self):
        n = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(n).decode()

    def do_GET(self):
        u = urllib.parse.urlparse(self.path)
        if u.path != "/pay":
            return self.reply(404, "text/plain", "not found")
        q = {k: v[0] for k, v in urllib.parse.parse_qs(u.query).items()}
        fields = "".join('<input type="hidden" name="%s" value="%s">' % (k, html.escape(q.get(k, "")))
                         for k in ("payment", "amount", "callback", "return"))
        page = ("<!doctype html><html lang=vi><meta charset=utf-8><title>Cổng thanh toán thử nghiệm</title>"
                "<h1>Cổng thanh toán thử nghiệm</h1><p>Hồ sơ %s: %s đồng</p>"
                '<form method=post action="/pay/confirm">%s<button name=outcome value=paid>Thanh toán</button> '
                "<button name=outcome value=failed>Hủy</button></form>"
                % (html.escape(q.get("dossier", "")), html.escape(q.get("amount", "")), fields))
        self.reply(200, "text/html; charset=utf-8", page)

    def do_POST(self):
        if self.path == "/pay/confirm":
            f = {k: v[0] for k, v in urllib.parse.parse_qs(self.body()).items()}
            send_callback(f["callback"], f["payment"], f["amount"], f.get("outcome", "failed"),
                          "SANDBOX-%s" % f["payment"])
            return self.reply(303, "text/plain", "", [("Location", f.get("return", "/"))])
        if self.path == "/test/callback":
            t = json.loads(self.body())
            statuses, bodies = [], []
            for _ in range(int(t.get("times", 1))):
                s, b = send_callback(t["callback"], t["payment"], t["amount"], t["outcome"],
                                     t.get("ref", "SANDBOX-%s" % t["payment"]), t.get("bad_signature", False))
                statuses.append(s)
                bodies.append(b)
            return self.reply(200, "application/json", json.dumps({"statuses": statuses, "bodies": bodies}))
        self.reply(404, "text/plain", "not found")


def main():
    global SECRET
    port, secret_file = int(sys.argv[1]), sys.argv[2]
    with open(secret_file, "rb") as f:
        SECRET = f.read().rstrip(b"\r\n")
    srv = ThreadingHTTPServer(("127.0.0.1", port), Handler)
    print("ready", flush=True)
    srv.serve_forever()


if __name__ == "__main__":
    main()
