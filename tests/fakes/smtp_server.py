#!/usr/bin/python3
"""smtp_server.py: a real SMTP server (aiosmtpd, Debian python3-aiosmtpd) for
the email channel tests. Run it with the system Python: /usr/bin/python3.

    smtp_server.py OUT.jsonl [--port N] [--host H] [--starttls]
                   [--require-starttls] [--auth USER:PASSWORD [--require-auth]]

Listens on 127.0.0.1 (port 0, the default, picks a free one), prints
"cert PATH" (with --starttls: the self-signed certificate a client should
trust, made at start with the openssl command) and then "listening PORT" on
stdout. Each message received is appended to OUT.jsonl as one JSON line:

    {"mail_from", "rcpt_tos", "data" (the raw message as received, after
     SMTP dot-unstuffing, decoded as UTF-8 with replacement),
     "tls" (whether STARTTLS was in effect), "auth_login" (the AUTH user or
     null), "headers" ([name, decoded value] in order, RFC 2047 decoded),
     "body" (the text/plain body decoded from its transfer encoding, with
     LF line ends)}

--starttls offers STARTTLS (exits with status 3 when openssl is missing),
--require-starttls refuses MAIL before it, --auth USER:PASSWORD offers AUTH
(PLAIN/LOGIN, only after STARTTLS when --starttls is given; other
credentials get 535), --require-auth refuses MAIL without it,
--verbose shows aiosmtpd's own log (quiet otherwise).

Replies on demand, for the failure paths: a recipient whose local part is
"smtp-NNN" (smtp-451@example.com, smtp-550@example.com) gets reply NNN to
its RCPT TO. Stops on SIGTERM / SIGINT.
"""
import argparse
import asyncio
import email
import email.policy
import json
import logging
import os
import shutil
import signal
import ssl
import subprocess
import sys
import tempfile

from aiosmtpd.smtp import SMTP, AuthResult, LoginPassword

CANNED = {
    421: "421 4.3.2 Service not available, closing transmission channel (test)",
    450: "450 4.2.1 Mailbox unavailable, try again later (test)",
    451: "451 4.3.0 Requested action aborted: local error in processing (test)",
    452: "452 4.2.2 Mailbox full (test)",
    550: "550 5.1.1 Mailbox unavailable: no such user here (test)",
    551: "551 5.1.6 User not local (test)",
    552: "552 5.2.2 Mailbox full (test)",
    553: "553 5.1.3 Mailbox name not allowed (test)",
    554: "554 5.7.1 Relay access denied (test)",
}


def canned_reply(address):
    local = address.split("@", 1)[0].lower()
    if local.startswith("smtp-") and local[5:].isdigit():
        code = int(local[5:])
        if 400 <= code < 600:
            return CANNED.get(code, f"{code} Reply {code} on request (test)")
    return None


class Handler:
    def __init__(self, out_path):
        self.out_path = out_path
        self.count = 0

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        reply = canned_reply(address)
        if reply:
            return reply
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        raw = envelope.original_content or envelope.content
        if isinstance(raw, str):
            raw = raw.encode("utf-8", "surrogateescape")
        record = {
            "mail_from": envelope.mail_from,
            "rcpt_tos": list(envelope.rcpt_tos),
            "data": raw.decode("utf-8", "replace"),
            "tls": session.ssl is not None,
            "auth_login": None,
            "headers": [],
            "body": None,
        }
        if session.authenticated and isinstance(session.auth_data, LoginPassword):
            record["auth_login"] = session.auth_data.login.decode("utf-8", "replace")
        try:
            msg = email.message_from_bytes(raw, policy=email.policy.default)
            record["headers"] = [[k, str(v)] for k, v in msg.items()]
            part = msg.get_body(preferencelist=("plain",))
            if part is not None:
                record["body"] = part.get_content().replace("\r\n", "\n")
        except Exception as e:  # keep the raw data even when parsing fails
            record["parse_error"] = repr(e)
        with open(self.out_path, "a", encoding="utf-8") as f:
            f.write(json.dumps(record, ensure_ascii=False) + "\n")
            f.flush()
        self.count += 1
        return "250 2.0.0 Ok: queued as TEST%06d" % self.count


def make_cert(directory):
    if not shutil.which("openssl"):
        print("smtp_server: openssl is not installed; --starttls is unavailable", file=sys.stderr)
        sys.exit(3)
    key = os.path.join(directory, "key.pem")
    cert = os.path.join(directory, "cert.pem")
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", key,
         "-out", cert, "-days", "2", "-subj", "/CN=localhost",
         "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost"],
        check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ctx.load_cert_chain(cert, key)
    return ctx, cert


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("out", help="file to append one JSON line per message to")
    ap.add_argument("--host", default="127.0.0.1")
    ap.add_argument("--port", type=int, default=0)
    ap.add_argument("--starttls", action="store_true")
    ap.add_argument("--require-starttls", action="store_true")
    ap.add_argument("--auth", metavar="USER:PASSWORD")
    ap.add_argument("--require-auth", action="store_true")
    ap.add_argument("--verbose", action="store_true", help="log aiosmtpd's warnings and errors")
    args = ap.parse_args()
    if not args.verbose:  # a failed TLS handshake is a test case, not news
        logging.getLogger("mail.log").setLevel(logging.CRITICAL)

    tmp = tempfile.mkdtemp(prefix="rapport-smtp-")
    tls_context = None
    if args.starttls or args.require_starttls:
        tls_context, cert = make_cert(tmp)
        print(f"cert {cert}", flush=True)

    authenticator = None
    if args.auth:
        user, _, password = args.auth.partition(":")

        def authenticator(server, session, envelope, mechanism, auth_data):
            ok = (isinstance(auth_data, LoginPassword)
                  and auth_data.login == user.encode()
                  and auth_data.password == password.encode())
            return AuthResult(success=ok, handled=False, auth_data=auth_data if ok else None)

    handler = Handler(args.out)

    def factory():
        return SMTP(handler,
                    hostname="rapport-test-smtp",
                    tls_context=tls_context,
                    require_starttls=args.require_starttls,
                    authenticator=authenticator,
                    auth_required=bool(args.auth) and args.require_auth,
                    auth_require_tls=tls_context is not None,
                    decode_data=False,
                    data_size_limit=10 * 1024 * 1024)

    loop = asyncio.new_event_loop()
    asyncio.set_event_loop(loop)
    server = loop.run_until_complete(loop.create_server(factory, host=args.host, port=args.port))
    port = server.sockets[0].getsockname()[1]
    print(f"listening {port}", flush=True)

    stop = loop.create_future()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, lambda: stop.done() or stop.set_result(None))
    try:
        loop.run_until_complete(stop)
    finally:
        server.close()
        shutil.rmtree(tmp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
