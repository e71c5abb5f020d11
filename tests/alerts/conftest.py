"""Fixtures: a loopback HTTP server that plays the webhook endpoint, and a topics stage that keeps planted topics."""

from __future__ import annotations

import socket
import sys
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from voc import pipeline

sys.path.insert(0, str(Path(__file__).parent))  # the planted_week helper beside this file


@dataclass
class Hook:
    """What the loopback endpoint received; ``status`` and ``delay_s`` shape its answers."""

    url: str
    requests: list[dict] = field(default_factory=list)
    status: int = 200
    delay_s: float = 0.0


@pytest.fixture
def hook():
    """A webhook endpoint on 127.0.0.1 that records every request it gets."""
    box: dict[str, Hook] = {}

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802 - http.server's name
            h = box["hook"]
            raw = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            h.requests.append({"path": self.path, "body": raw.decode("utf-8"),
                               "content_type": self.headers.get("Content-Type")})
            if h.delay_s:
                threading.Event().wait(h.delay_s)
            self.send_response(h.status)
            self.end_headers()
            self.wfile.write(b"ok")

        def log_message(self, *args) -> None:  # quiet
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    box["hook"] = Hook(f"http://127.0.0.1:{server.server_address[1]}/hook")
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield box["hook"]
    server.shutdown()
    server.server_close()


@pytest.fixture
def closed_port_url() -> str:
    """A loopback URL nothing listens on (the endpoint is down)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    return f"http://127.0.0.1:{port}/hook"


@pytest.fixture
def keep_planted_topics(monkeypatch):
    """The topics stage keeps the planted assignments (this suite tests what follows the week's tables)."""

    def planted(config, store, week):
        return {"assigned": 0, "backfilled": 0, "topics": len(store.topic_registry()), "outlier_share": 0.0}

    monkeypatch.setattr(pipeline, "assign_topics", planted)
