#!/usr/bin/env python3
"""Loopback HTTP server for the network unit tests (test_http, test_ergast,
test_wikipedia).  Binds 127.0.0.1 on a free port, prints the port on one
line, then serves until killed (or for --lifetime seconds at most).

Routes (state is kept per `key` query value so tests stay independent):
  /ok                          200 "hello"
  /status/NNN                  NNN with {"detail": "status NNN"}
  /flaky?key&fail=N&code=C     C (default 500) N times, then 200 "recovered"
  /throttle?key&mode=M         429 once (Retry-After: "1" for M=secs, an
                               HTTP-date 2 s ahead for M=date, none for
                               M=none), then 200 "after 429"
  /truncated?key&fail=N        N times a body shorter than its
                               Content-Length, then 200 "complete body"
  /slow?delay=S                sleeps S seconds, then 200
  /gzip                        gzip-encoded body when the client accepts it
  /big?bytes=N                 N bytes of "x"
  /headers                     JSON of the User-Agent and Accept-Encoding seen
  /badbody?key&fail=N          N times 200 "not json", then 200 {"ok": true}
  /echo                        JSON of the method, body length, Content-Type
  /hits?path=P&key=K           how many requests P with key K got
  /page/<fixture>?limit&offset&cap&rows
                               one Ergast page cut from a fixture file under
                               data/ergast-json/jolpica-f1-fixtures: the
                               list items (or, with rows=Results, the rows
                               nested in them) sliced by offset and
                               min(limit, cap), total = all of them
                               (or fake_total); the first `broken` hits
                               (per key) get half of the JSON
  /wiki/<raw name>             <wiki dir>/<raw name>.html (raw = still
                               percent-encoded); 404 when absent; the name
                               "Server_Error" answers 500
  /seen                        the raw /wiki/ paths requested, one a line
"""
import argparse
import email.utils
import gzip
import json
import os
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs

FIXTURES = "data/ergast-json/jolpica-f1-fixtures"
LOCK = threading.Lock()
HITS = {}
SEEN = []
WIKI_DIR = None


def bump(path, key):
    with LOCK:
        HITS[(path, key)] = HITS.get((path, key), 0) + 1
        return HITS[(path, key)]


def ergast_page(fixture, q):
    with open(os.path.join(FIXTURES, fixture), encoding="utf-8") as f:
        doc = json.load(f)
    mr = doc["MRData"]
    table_name = next(k for k in mr if k.endswith("Table"))
    table = mr[table_name]
    list_name = next(k for k, v in table.items() if isinstance(v, list))
    items = table[list_name]
    limit = int(q.get("limit", ["30"])[0])
    offset = int(q.get("offset", ["0"])[0])
    cap = int(q.get("cap", ["100"])[0])
    take = min(limit, cap)
    rows_name = q.get("rows", [None])[0]
    if rows_name:
        flat = [(i, r) for i, item in enumerate(items) for r in item[rows_name]]
        total = len(flat)
        page = []
        for i, row in flat[offset:offset + take]:
            if not page or page[-1][0] != i:
                shell = {k: v for k, v in items[i].items() if k != rows_name}
                shell[rows_name] = []
                page.append((i, shell))
            page[-1][1][rows_name].append(row)
        out_items = [shell for _, shell in page]
    else:
        total = len(items)
        out_items = items[offset:offset + take]
    table = dict(table)
    table[list_name] = out_items
    env = {k: v for k, v in mr.items() if k != table_name}
    total = int(q.get("fake_total", [total])[0])
    env.update({"limit": str(take), "offset": str(offset), "total": str(total), table_name: table})
    return json.dumps({"MRData": env}).encode()


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def reply(self, code, body, ctype="text/plain", headers=()):
        if isinstance(body, str):
            body = body.encode()
        self.send_response(code)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        for k, v in headers:
            self.send_header(k, v)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def do_GET(self):
        try:
            self.route()
        except (BrokenPipeError, ConnectionResetError):
            pass

    do_HEAD = do_GET
    do_POST = do_GET
    do_PUT = do_GET

    def route(self):
        raw_path, _, query = self.path.partition("?")
        q = parse_qs(query)
        key = q.get("key", [""])[0]
        body = b""
        length = int(self.headers.get("Content-Length", "0") or 0)
        if length:
            body = self.rfile.read(length)
        n = bump(raw_path, key)
        fail = int(q.get("fail", ["1"])[0])
        if raw_path == "/ok":
            self.reply(200, "hello")
        elif raw_path.startswith("/status/"):
            code = int(raw_path[len("/status/"):])
            self.reply(code, json.dumps({"detail": "status %d" % code}), "application/json")
        elif raw_path == "/flaky":
            if n <= fail:
                self.reply(int(q.get("code", ["500"])[0]), "server trouble")
            else:
                self.reply(200, "recovered")
        elif raw_path == "/throttle":
            if n == 1:
                mode = q.get("mode", ["secs"])[0]
                headers = []
                if mode == "secs":
                    headers = [("Retry-After", "1")]
                elif mode == "date":
                    headers = [("Retry-After", email.utils.formatdate(time.time() + 2, usegmt=True))]
                self.reply(429, "slow down", headers=headers)
            else:
                self.reply(200, "after 429")
        elif raw_path == "/truncated":
            if n <= fail:
                self.send_response(200)
                self.send_header("Content-Type", "text/plain")
                self.send_header("Content-Length", "1000")
                self.end_headers()
                self.wfile.write(b"only part")
                self.wfile.flush()
                self.close_connection = True
            else:
                self.reply(200, "complete body")
        elif raw_path == "/slow":
            time.sleep(float(q.get("delay", ["3"])[0]))
            self.reply(200, "finally")
        elif raw_path == "/gzip":
            text = ("gzipped body " * 200).encode()
            if "gzip" in self.headers.get("Accept-Encoding", ""):
                self.reply(200, gzip.compress(text), headers=[("Content-Encoding", "gzip")])
            else:
                self.reply(200, text)
        elif raw_path == "/big":
            self.reply(200, b"x" * int(q.get("bytes", ["1000"])[0]))
        elif raw_path == "/headers":
            seen = {"user_agent": self.headers.get("User-Agent", ""),
                    "accept_encoding": self.headers.get("Accept-Encoding", "")}
            self.reply(200, json.dumps(seen), "application/json")
        elif raw_path == "/badbody":
            if n <= fail:
                self.reply(200, "not json", "application/json")
            else:
                self.reply(200, '{"ok": true}', "application/json")
        elif raw_path == "/echo":
            seen = {"method": self.command, "length": len(body),
                    "content_type": self.headers.get("Content-Type", ""),
                    "x_test": self.headers.get("X-Test", "")}
            self.reply(200, json.dumps(seen), "application/json")
        elif raw_path == "/hits":
            with LOCK:
                count = HITS.get((q.get("path", [""])[0], key), 0)
            self.reply(200, str(count))
        elif raw_path.startswith("/page/"):
            page = ergast_page(raw_path[len("/page/"):], q)
            if n <= int(q.get("broken", ["0"])[0]):
                page = page[:len(page) // 2]
            self.reply(200, page, "application/json")
        elif raw_path.startswith("/wiki/"):
            name = raw_path[len("/wiki/"):]
            with LOCK:
                SEEN.append(raw_path)
            path = os.path.join(WIKI_DIR or "", name + ".html")
            if name == "Server_Error":
                self.reply(500, "wiki trouble")
            elif WIKI_DIR and "/" not in name and os.path.isfile(path):
                with open(path, "rb") as f:
                    self.reply(200, f.read(), "text/html; charset=UTF-8")
            else:
                self.reply(404, "no such article")
        elif raw_path == "/seen":
            with LOCK:
                self.reply(200, "".join(p + "\n" for p in SEEN))
        else:
            self.reply(404, "unknown route")


def main():
    global WIKI_DIR
    ap = argparse.ArgumentParser()
    ap.add_argument("--wiki", default=None, help="directory of <name>.html pages")
    ap.add_argument("--lifetime", type=float, default=300, help="exit after this many seconds")
    args = ap.parse_args()
    WIKI_DIR = args.wiki
    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    print(server.server_address[1], flush=True)
    # A test that crashes before killing us must not leave a server behind.
    threading.Timer(args.lifetime, lambda: os._exit(0)).start()
    server.serve_forever()


if __name__ == "__main__":
    sys.exit(main())
