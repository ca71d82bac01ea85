"""Screenshots of a running Odoo for the README, through headless Chromium.

Usage: python3 scripts/screenshots.py --db invoice_dispute_demo \
           --page disputes=/odoo/action-invoice_dispute.invoice_dispute_action \
           [--url http://127.0.0.1:8069] [--login admin --password admin] \
           [--out docs/screenshots]

Logs in through Odoo's JSON-RPC, hands the session cookie to Chromium over the
DevTools protocol (websocket-client), opens each page and saves a PNG.
"""

import argparse
import base64
import itertools
import json
import pathlib
import shutil
import socket
import subprocess
import tempfile
import time

import requests
import websocket


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Chrome:
    def __init__(self, width, height):
        binary = next(
            filter(
                None,
                map(shutil.which, ("chromium", "google-chrome", "chromium-browser")),
            )
        )
        self.port = free_port()
        self.profile = tempfile.mkdtemp(prefix="invoice_dispute_shots_")
        self.proc = subprocess.Popen(
            [
                binary,
                "--headless=new",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--hide-scrollbars",
                f"--window-size={width},{height}",
                f"--remote-debugging-port={self.port}",
                f"--user-data-dir={self.profile}",
                "about:blank",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        self.ids = itertools.count(1)
        self.ws = websocket.create_connection(self._page_ws_url(), timeout=60)

    def _page_ws_url(self):
        for _attempt in range(100):
            try:
                targets = requests.get(
                    f"http://127.0.0.1:{self.port}/json", timeout=2
                ).json()
                pages = [t for t in targets if t["type"] == "page"]
                if pages:
                    return pages[0]["webSocketDebuggerUrl"]
            except requests.RequestException:
                pass
            time.sleep(0.1)
        raise RuntimeError("Chromium did not open its DevTools port")

    def call(self, method, **params):
        call_id = next(self.ids)
        self.ws.send(json.dumps({"id": call_id, "method": method, "params": params}))
        while True:
            message = json.loads(self.ws.recv())
            if message.get("id") == call_id:
                if "error" in message:
                    raise RuntimeError(f"{method}: {message['error']}")
                return message.get("result", {})

    def close(self):
        self.ws.close()
        self.proc.terminate()
        self.proc.wait(10)
        shutil.rmtree(self.profile, ignore_errors=True)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", default="http://127.0.0.1:8069")
    parser.add_argument("--db", required=True)
    parser.add_argument(
        "--login",
        default="admin",
        help="user to log in as; an empty value opens the pages without login "
        "(as a customer following a reminder's link with its access token)",
    )
    parser.add_argument("--password", default="admin")
    parser.add_argument("--out", default="docs/screenshots")
    parser.add_argument("--width", type=int, default=1440)
    parser.add_argument("--height", type=int, default=900)
    parser.add_argument("--wait", type=float, default=4.0)
    parser.add_argument(
        "--page", action="append", required=True, help="name=/odoo/path (repeat)"
    )
    args = parser.parse_args()

    session_id = args.login and login(args)
    out = pathlib.Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    chrome = Chrome(args.width, args.height)
    try:
        chrome.call("Network.enable")
        if session_id:
            chrome.call(
                "Network.setCookie",
                name="session_id",
                value=session_id,
                url=args.url,
                path="/",
            )
        for page in args.page:
            name, path = page.split("=", 1)
            chrome.call("Page.navigate", url=f"{args.url}{path}")
            time.sleep(args.wait)
            data = chrome.call("Page.captureScreenshot", format="png")["data"]
            target = out / f"{name}.png"
            target.write_bytes(base64.b64decode(data))
            print(f"{target}: {path}")
    finally:
        chrome.close()


def login(args):
    """Log in as ``args.login`` through JSON-RPC; return the session id."""
    session = requests.Session()
    response = session.post(
        f"{args.url}/web/session/authenticate",
        json={
            "jsonrpc": "2.0",
            "params": {"db": args.db, "login": args.login, "password": args.password},
        },
        timeout=60,
    )
    response.raise_for_status()
    if response.json().get("error"):
        raise SystemExit(f"login failed: {response.json()['error']['message']}")
    return session.cookies["session_id"]


if __name__ == "__main__":
    main()
