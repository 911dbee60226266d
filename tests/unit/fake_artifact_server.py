#!/usr/bin/env python3
"""Loopback fake of the Actions artifact service (v4) for test_artifact:
the Twirp JSON calls and the Azure block-blob PUTs of the signed URL.
Binds 127.0.0.1 on a free port, writes "PORT PID" to --port-file (or
prints it), then serves until killed (or for --lifetime seconds at most).

It is strict the way the real services are:
  - Twirp requests must be JSON objects with only the proto's snake_case
    fields (act answers 500 to unknown fields such as mime_type);
  - a second CreateArtifact of one name in a run answers 409 already_exists;
  - block PUTs must carry Content-Length and x-ms-version and append the
    signed query byte for byte (a re-encoded one answers 401);
  - Put Block List assembles the named blocks in list order.

Behaviour by artifact name (substring):
  flaky-create   CreateArtifact answers 500 twice, then works
  always-500     CreateArtifact always answers 500
  bad-request    CreateArtifact answers 400 invalid_argument "nope"
  garbage-once   CreateArtifact answers 200 with a non-JSON body once
  not-ok         CreateArtifact answers {"ok": false}
  no-quota       CreateArtifact answers 403 "insufficient usage ..." (quota)
  flaky-blob     the first block PUT answers 500 (and stores nothing)
  camel          responses use camelCase keys and a numeric id (as act's)

Inspection: GET /_log gives every request as JSON ({method, path, query,
headers, json or length}); GET /_blob/<name> gives the assembled bytes.
"""
import argparse
import hashlib
import json
import os
import re
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, unquote

SERVICE = "/twirp/github.actions.results.api.v1.ArtifactService/"
FIELDS = {
    "CreateArtifact": {"workflow_run_backend_id", "workflow_job_run_backend_id", "name",
                       "version", "expires_at"},
    "FinalizeArtifact": {"workflow_run_backend_id", "workflow_job_run_backend_id", "name",
                         "size", "hash"},
}
# A signature with characters that must stay percent-encoded.
SIGNED_QUERY = "sv=2023-11-03&se=2030-01-01T00%3A00%3A00Z&sig=c2lnbmF0dXJl%2Bx%2Fy%3D"

LOCK = threading.Lock()
LOG = []
CREATED = set()
BLOCKS = {}
BLOBS = {}
COUNTS = {}


def bump(key):
    with LOCK:
        COUNTS[key] = COUNTS.get(key, 0) + 1
        return COUNTS[key]


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def reply(self, code, body=b"", ctype="application/json"):
        if isinstance(body, (dict, list)):
            body = json.dumps(body).encode()
        self.send_response(code)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def read_body(self):
        n = self.headers.get("Content-Length")
        return self.rfile.read(int(n)) if n is not None else None

    def record(self, body, parsed):
        path, _, query = self.path.partition("?")
        entry = {"method": self.command, "path": path, "query": query,
                 "headers": {k.lower(): v for k, v in self.headers.items()},
                 "length": None if body is None else len(body)}
        if parsed is not None:
            entry["json"] = parsed
        elif body is not None and path.startswith("/blob/") and "comp=blocklist" in query:
            entry["text"] = body.decode("utf-8", "replace")
        with LOCK:
            LOG.append(entry)

    def do_GET(self):
        if self.path == "/_log":
            with LOCK:
                return self.reply(200, list(LOG))
        if self.path.startswith("/_blob/"):
            name = unquote(self.path[len("/_blob/"):])
            with LOCK:
                data = BLOBS.get(name)
            return self.reply(200 if data is not None else 404, data or b"", "application/zip")
        self.reply(404, {"code": "not_found", "msg": "no such route"})

    def do_POST(self):
        body = self.read_body()
        try:
            parsed = json.loads(body)
        except (TypeError, ValueError):
            parsed = None
        self.record(body, parsed)
        if not self.path.startswith(SERVICE):
            return self.reply(404, {"code": "bad_route", "msg": "no handler for path"})
        method = self.path[len(SERVICE):]
        if method not in FIELDS or not isinstance(parsed, dict):
            return self.reply(500, {"code": "internal", "msg": "Error decode request body"})
        unknown = set(parsed) - FIELDS[method]
        if unknown:
            return self.reply(500, {"code": "internal",
                                    "msg": "unknown field %s" % sorted(unknown)[0]})
        if not self.headers.get("Authorization", "").startswith("Bearer "):
            return self.reply(401, {"code": "unauthenticated", "msg": "no token"})
        getattr(self, method)(parsed)

    def CreateArtifact(self, req):
        name = req.get("name", "")
        run = req.get("workflow_run_backend_id", "")
        if "flaky-create" in name and bump(("create", name)) <= 2:
            return self.reply(500, {"code": "internal", "msg": "try again"})
        if "always-500" in name:
            return self.reply(500, {"code": "internal", "msg": "down"})
        if "bad-request" in name:
            return self.reply(400, {"code": "invalid_argument", "msg": "nope"})
        if "garbage-once" in name and bump(("create", name)) == 1:
            return self.reply(200, b"<html>proxy error</html>", "text/html")
        if "not-ok" in name:
            return self.reply(200, {"ok": False})
        if "no-quota" in name:
            return self.reply(403, {"code": "permission_denied", "msg":
                                    "insufficient usage to create artifact"})
        with LOCK:
            if (run, name) in CREATED:
                return self.reply(409, {"code": "already_exists", "msg":
                                        "an artifact with this name already exists on the workflow run"})
            CREATED.add((run, name))
        host = self.headers.get("Host")
        url = "http://%s/blob/%s?%s" % (host, name, SIGNED_QUERY)
        key = "signedUploadUrl" if "camel" in name else "signed_upload_url"
        self.reply(200, {"ok": True, key: url})

    def FinalizeArtifact(self, req):
        name = req.get("name", "")
        with LOCK:
            data = BLOBS.get(name, b"")
        if req.get("size") != str(len(data)) or \
                req.get("hash") != "sha256:" + hashlib.sha256(data).hexdigest():
            return self.reply(400, {"code": "invalid_argument", "msg": "size or hash mismatch"})
        ident = 4000000000 + len(name)
        if "camel" in name:
            return self.reply(200, {"ok": True, "artifactId": ident})
        self.reply(200, {"ok": True, "artifact_id": str(ident)})

    def do_PUT(self):
        body = self.read_body()
        self.record(body, None)
        path, _, query = self.path.partition("?")
        if not path.startswith("/blob/"):
            return self.reply(404, b"", "application/xml")
        name = unquote(path[len("/blob/"):])
        if not query.startswith(SIGNED_QUERY + "&"):
            return self.reply(401, b"<Error>signature</Error>", "application/xml")
        if body is None:
            return self.reply(411, b"<Error>length</Error>", "application/xml")
        if not self.headers.get("x-ms-version"):
            return self.reply(400, b"<Error>version</Error>", "application/xml")
        q = parse_qs(query[len(SIGNED_QUERY) + 1:])
        comp = q.get("comp", [""])[0]
        if comp == "block":
            if "flaky-blob" in name and bump(("blob", name)) == 1:
                return self.reply(500, b"<Error>busy</Error>", "application/xml")
            block = q.get("blockid", [""])[0]
            with LOCK:
                BLOCKS[(name, block)] = body
            return self.reply(201, b"", "application/xml")
        if comp == "blocklist":
            ids = re.findall(r"<Latest>([^<]*)</Latest>", body.decode())
            with LOCK:
                missing = [i for i in ids if (name, i) not in BLOCKS]
                if missing:
                    return self.reply(400, b"<Error>InvalidBlockList</Error>", "application/xml")
                BLOBS[name] = b"".join(BLOCKS[(name, i)] for i in ids)
            return self.reply(201, b"", "application/xml")
        self.reply(400, b"<Error>comp</Error>", "application/xml")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--lifetime", type=float, default=300)
    ap.add_argument("--port-file")
    args = ap.parse_args()
    srv = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    srv.daemon_threads = True
    line = "%d %d\n" % (srv.server_address[1], os.getpid())
    if args.port_file:
        with open(args.port_file + ".tmp", "w") as f:
            f.write(line)
        os.rename(args.port_file + ".tmp", args.port_file)
    else:
        sys.stdout.write(line)
        sys.stdout.flush()
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    time.sleep(args.lifetime)
    srv.shutdown()


if __name__ == "__main__":
    sys.exit(main())
