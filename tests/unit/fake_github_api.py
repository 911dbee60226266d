#!/usr/bin/env python3
"""Loopback fake of the GitHub REST API for test_github: the calls f1-mlops
makes for `baseline-model: artifact:NAME` and `pr-comment`, in the shapes
GitHub documents (docs.github.com/rest: actions/artifacts, issues/comments,
repos), plus the blob host the artifact download redirects to.

Two servers: the API on 127.0.0.1 and the blob store on 127.0.0.2 (another
host name, as GitHub's signed download URLs are on another host).  Writes
"API_PORT BLOB_PORT PID" to --port-file, then serves until killed or for
--lifetime seconds at most.  Python 3 standard library only.

Strict the way GitHub is, and stricter where a test needs it to be:
  - no User-Agent: 403 "Request forbidden by administrative rules ...";
  - Accept other than application/vnd.github+json: 415;
  - X-GitHub-Api-Version other than 2022-11-28, or missing (GitHub would
    default it; the fake insists so that the client is seen to send it): 400;
  - no Authorization: 401 "Requires authentication"; an unknown token: 401
    "Bad credentials"; tokens are "ghs_write" (github-actions[bot], may
    write) and "ghs_read" (read-only, as pull requests from forks get:
    writes answer 403 "Resource not accessible by integration"), both
    installation tokens, and "ghp_dev" (a personal access token of the
    user octo-dev, type User, that may write);
  - GET /user: the token's user (login, id, type) for a personal access
    token; 403 "Resource not accessible by integration" for an
    installation token, as GitHub answers the workflow's GITHUB_TOKEN;
  - comments carry the author as GitHub does: user.login, user.type
    ("User", "Bot", "Organization"); a seeded comment gives them as
    "login" and "user_type" (default octocat, User);
  - every API answer carries x-ratelimit-* headers; a repository seeded
    with "rate_limited": N answers its first N requests 403 with
    x-ratelimit-remaining: 0 and a reset one second ahead, one seeded with
    "secondary_limited": N its first N requests 403 with Retry-After: 3
    (GitHub's secondary rate limit);
  - lists are paged (per_page at most 100, default 30; page from 1) with
    Link: <...>; rel="next", <...>; rel="last" (and prev/first), whose URLs
    use /repositories/{id}/... as GitHub's do; a repository seeded with
    "no_link": true leaves the Link header out;
  - artifacts are listed newest first with total_count; their
    archive_download_url answers 302 to http://127.0.0.2:BLOB/blob/{id}
    with a signature, or 410 when expired; the blob host answers 403 (and
    logs it) when an Authorization header reaches it;
  - comments: 201 with the comment object on create, 200 on update, 422
    when the body is missing or over 65,536 characters.

Control routes (no checks): POST /_seed {"repos": {"owner/name": {...}}}
replaces those repositories (see seed()); GET /_log lists every request
seen by both servers ({server, method, path, query, headers, json});
GET /_comments?repo=owner/name&issue=N lists an issue's comments;
POST /_reset forgets everything.
"""
import argparse
import json
import os
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlencode

API_HOST = "127.0.0.1"
BLOB_HOST = "127.0.0.2"
API_VERSION = "2022-11-28"
TOKENS = {
    "ghs_write": {"login": "github-actions[bot]", "id": 41898282, "type": "Bot", "write": True},
    "ghs_read": {"login": "github-actions[bot]", "id": 41898282, "type": "Bot", "write": False},
    "ghp_dev": {"login": "octo-dev", "id": 7001, "type": "User", "write": True, "user_token": True},
}
DOCS = "https://docs.github.com/rest"
SIG = "sv=2023-11-03&se=2030-01-01T00%3A00%3A00Z&sr=b&sp=r&sig=c2lnbmVk%2Bc2ln%3D"

LOCK = threading.Lock()
STATE = {"repos": {}, "log": [], "next_comment": 2000000000, "blob_port": 0}


def seed(doc):
    """Each repository: {"default_branch", "id", "artifacts": [{"id", "name",
    "created_at", "expired", "head_branch", "head_sha", "run_id", "zip_path",
    "location", "archive_download_url", "size_in_bytes"}], "issues": {"N":
    [{"id", "body", "login", "user_type", "user_id"}]}, "no_link", "rate_limited", "secondary_limited",
    "link_host"}.
    "location" replaces the 302's Location and "link_host" the host of
    paging links (to test hostile redirects and links)."""
    with LOCK:
        for full, repo in doc.get("repos", {}).items():
            repo = dict(repo)
            repo.setdefault("id", 100000 + len(STATE["repos"]))
            repo.setdefault("default_branch", "main")
            repo.setdefault("artifacts", [])
            repo["issues"] = {str(k): [dict(c) for c in v] for k, v in repo.get("issues", {}).items()}
            for cs in repo["issues"].values():
                for c in cs:
                    c.setdefault("created_at", "2024-01-01T00:00:00Z")
            STATE["repos"][full] = repo


def log_request(server, handler, body):
    path, _, query = handler.path.partition("?")
    entry = {"server": server, "method": handler.command, "path": path, "query": query,
             "headers": {k.lower(): v for k, v in handler.headers.items()}}
    if body:
        try:
            entry["json"] = json.loads(body)
        except ValueError:
            entry["raw_length"] = len(body)
    with LOCK:
        STATE["log"].append(entry)


class Base(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def reply(self, code, body=b"", ctype="application/json; charset=utf-8", headers=()):
        if isinstance(body, (dict, list)):
            body = json.dumps(body).encode()
        elif isinstance(body, str):
            body = body.encode()
        self.send_response(code)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        for k, v in headers:
            self.send_header(k, v)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def read_body(self):
        n = int(self.headers.get("Content-Length", "0") or 0)
        return self.rfile.read(n) if n else b""


def user_json(login, uid, kind):
    return {"login": login, "id": uid, "type": kind, "site_admin": False,
            "html_url": "https://github.com/" + login.replace("[bot]", "")}


def comment_json(repo_full, issue, c):
    return {"id": c["id"], "node_id": "IC_%d" % c["id"],
            "url": "https://api.github.com/repos/%s/issues/comments/%d" % (repo_full, c["id"]),
            "html_url": "https://github.com/%s/pull/%s#issuecomment-%d" % (repo_full, issue, c["id"]),
            "issue_url": "https://api.github.com/repos/%s/issues/%s" % (repo_full, issue),
            "body": c["body"], "user": user_json(c.get("login", "octocat"), c.get("user_id", 583231),
                                                  c.get("user_type", "User")),
            "created_at": c["created_at"], "updated_at": c.get("updated_at", c["created_at"]),
            "author_association": c.get("author_association", "NONE")}


class Api(Base):
    def do_GET(self):
        self.handle_any()

    do_POST = do_GET
    do_PATCH = do_GET
    do_PUT = do_GET
    do_DELETE = do_GET

    def handle_any(self):
        body = self.read_body()
        path, _, query = self.path.partition("?")
        q = parse_qs(query)
        if path.startswith("/_"):
            return self.control(path, q, body)
        log_request("api", self, body)
        if not self.headers.get("User-Agent"):
            return self.reply(403, "Request forbidden by administrative rules. Please make sure your "
                              "request has a User-Agent header (https://docs.github.com/en/rest/overview/"
                              "resources-in-the-rest-api#user-agent-required). Check "
                              "https://developer.github.com for other possible causes.\n", "text/plain")
        accept = self.headers.get("Accept", "")
        if accept != "application/vnd.github+json":
            return self.reply(415, {"message": "Unsupported 'Accept' header: '%s'. Must accept "
                                    "'application/vnd.github+json'." % accept,
                                    "documentation_url": DOCS + "/overview/media-types"})
        version = self.headers.get("X-GitHub-Api-Version")
        if version != API_VERSION:
            return self.reply(400, {"message": "API version '%s' is not supported." % version,
                                    "documentation_url": DOCS + "/about-the-rest-api/api-versions"})
        auth = self.headers.get("Authorization", "")
        if not auth:
            return self.reply(401, {"message": "Requires authentication", "documentation_url": DOCS,
                                    "status": "401"})
        token = auth[len("Bearer "):] if auth.startswith("Bearer ") else None
        who = TOKENS.get(token)
        if who is None:
            return self.reply(401, {"message": "Bad credentials", "documentation_url": DOCS,
                                    "status": "401"})
        parts = path.strip("/").split("/")
        if parts == ["user"] and self.command == "GET":
            if not who.get("user_token"):
                return self.read_only("/users/users#get-the-authenticated-user")
            return self.send(200, user_json(who["login"], who["id"], who["type"]))
        full, rest = self.locate(parts)
        if full is None:
            return self.not_found()
        with LOCK:
            repo = STATE["repos"][full]
            limited = repo.get("rate_limited", 0) > 0
            if limited:
                repo["rate_limited"] -= 1
            secondary = not limited and repo.get("secondary_limited", 0) > 0
            if secondary:
                repo["secondary_limited"] -= 1
        if secondary:
            return self.reply(403, {"message": "You have exceeded a secondary rate limit. Please wait a "
                                    "few minutes before you try again.",
                                    "documentation_url": DOCS + "/overview/rate-limits-for-the-rest-api",
                                    "status": "403"}, headers=self.rate_headers() + [("Retry-After", "3")])
        if limited:
            return self.reply(403, {"message": "API rate limit exceeded for installation ID 1.",
                                    "documentation_url": DOCS + "/overview/rate-limits-for-the-rest-api",
                                    "status": "403"}, headers=self.rate_headers(0))
        self.route(full, repo, rest, q, body, who)

    def locate(self, parts):
        """(owner/name, remaining path parts) for /repos/o/r/... or
        /repositories/{id}/..., or (None, None)."""
        with LOCK:
            if len(parts) >= 3 and parts[0] == "repos":
                full = parts[1] + "/" + parts[2]
                return (full, parts[3:]) if full in STATE["repos"] else (None, None)
            if len(parts) >= 2 and parts[0] == "repositories":
                for full, repo in STATE["repos"].items():
                    if str(repo["id"]) == parts[1]:
                        return full, parts[2:]
        return None, None

    def rate_headers(self, remaining=4999):
        reset = int(time.time()) + (1 if remaining == 0 else 3600)
        return [("x-ratelimit-limit", "5000"), ("x-ratelimit-remaining", str(remaining)),
                ("x-ratelimit-reset", str(reset)), ("x-ratelimit-used", str(5000 - remaining)),
                ("x-ratelimit-resource", "core"), ("X-GitHub-Api-Version-Selected", API_VERSION)]

    def send(self, code, doc, extra=()):
        self.reply(code, doc, headers=self.rate_headers() + list(extra))

    def not_found(self):
        self.send(404, {"message": "Not Found", "documentation_url": DOCS, "status": "404"})

    def read_only(self, doc_path):
        self.send(403, {"message": "Resource not accessible by integration",
                        "documentation_url": DOCS + doc_path, "status": "403"})

    def page(self, full, repo, rest, q, items):
        """One page of items and its Link header, the way GitHub pages."""
        per_page = max(1, min(100, int(q.get("per_page", ["30"])[0])))
        page = max(1, int(q.get("page", ["1"])[0]))
        last = max(1, (len(items) + per_page - 1) // per_page)
        chunk = items[(page - 1) * per_page:page * per_page]
        links = []
        host = repo.get("link_host") or self.headers.get("Host")
        base = "http://%s/repositories/%d/%s" % (host, repo["id"], "/".join(rest))

        def url(n):
            keep = {k: v[0] for k, v in q.items() if k != "page"}
            keep["page"] = n
            return base + "?" + urlencode(keep)
        if page > 1:
            links.append('<%s>; rel="prev"' % url(page - 1))
        if page < last:
            links.append('<%s>; rel="next"' % url(page + 1))
            links.append('<%s>; rel="last"' % url(last))
        if page > 1:
            links.append('<%s>; rel="first"' % url(1))
        extra = [("Link", ", ".join(links))] if links and not repo.get("no_link") else []
        return chunk, extra

    def route(self, full, repo, rest, q, body, who):
        m = self.command
        if rest == [] and m == "GET":
            owner, name = full.split("/")
            return self.send(200, {"id": repo["id"], "node_id": "R_%d" % repo["id"], "name": name,
                                   "full_name": full, "private": False,
                                   "owner": user_json(owner, 1, "Organization"),
                                   "html_url": "https://github.com/" + full,
                                   "default_branch": repo["default_branch"]})
        if rest == ["actions", "artifacts"] and m == "GET":
            return self.list_artifacts(full, repo, rest, q)
        if len(rest) == 4 and rest[:2] == ["actions", "artifacts"] and rest[3] == "zip" and m == "GET":
            return self.artifact_zip(repo, rest[2])
        if len(rest) == 3 and rest[0] == "issues" and rest[2] == "comments":
            issue = rest[1]
            if issue not in repo["issues"]:
                return self.not_found()
            if m == "GET":
                return self.list_comments(full, repo, rest, q, issue)
            if m == "POST":
                return self.write_comment(full, repo, issue, None, body, who)
        if len(rest) == 3 and rest[:2] == ["issues", "comments"] and m == "PATCH":
            for issue, cs in repo["issues"].items():
                for c in cs:
                    if str(c["id"]) == rest[2]:
                        return self.write_comment(full, repo, issue, c, body, who)
        return self.not_found()

    def artifact_json(self, full, repo, a):
        api = "http://%s/repos/%s/actions/artifacts/%d" % (self.headers.get("Host"), full, a["id"])
        size = os.path.getsize(a["zip_path"]) if a.get("zip_path") else a.get("size_in_bytes", 0)
        run = a.get("run_id", a["id"] + 500000)
        return {"id": a["id"], "node_id": "MDg6QXJ0aWZhY3Q%d" % a["id"], "name": a["name"],
                "size_in_bytes": a.get("size_in_bytes", size), "url": api,
                "archive_download_url": a.get("archive_download_url", api + "/zip"),
                "expired": a.get("expired", False), "created_at": a["created_at"],
                "updated_at": a["created_at"], "expires_at": a.get("expires_at", "2099-01-01T00:00:00Z"),
                "digest": None,
                "workflow_run": {"id": run, "repository_id": repo["id"], "head_repository_id": repo["id"],
                                 "head_branch": a.get("head_branch"), "head_sha": a.get("head_sha", "%040x" % run)}}

    def list_artifacts(self, full, repo, rest, q):
        name = q.get("name", [None])[0]
        items = [a for a in repo["artifacts"] if name is None or a["name"] == name]
        items.sort(key=lambda a: (a["created_at"], a["id"]), reverse=True)
        chunk, extra = self.page(full, repo, rest, q, items)
        self.send(200, {"total_count": len(items),
                        "artifacts": [self.artifact_json(full, repo, a) for a in chunk]}, extra)

    def artifact_zip(self, repo, ident):
        a = next((a for a in repo["artifacts"] if str(a["id"]) == ident), None)
        if a is None:
            return self.not_found()
        if a.get("expired"):
            return self.send(410, {"message": "Artifact has expired", "documentation_url": DOCS,
                                   "status": "410"})
        loc = a.get("location") or "http://%s:%d/blob/%d?%s" % (BLOB_HOST, STATE["blob_port"], a["id"], SIG)
        self.reply(302, b"", "text/html;charset=utf-8", self.rate_headers() + [("Location", loc)])

    def list_comments(self, full, repo, rest, q, issue):
        cs = sorted(repo["issues"][issue], key=lambda c: c["id"])
        chunk, extra = self.page(full, repo, rest, q, cs)
        self.send(200, [comment_json(full, issue, c) for c in chunk], extra)

    def write_comment(self, full, repo, issue, existing, body, who):
        doc_path = "/issues/comments#" + ("update-an-issue-comment" if existing else "create-an-issue-comment")
        if not who["write"]:
            return self.read_only(doc_path)
        try:
            text = json.loads(body).get("body")
        except (ValueError, AttributeError):
            text = None
        if not isinstance(text, str):
            return self.send(422, {"message": "Invalid request.\n\n\"body\" wasn't supplied.",
                                   "documentation_url": DOCS + doc_path, "status": "422"})
        if len(text) > 65536:
            return self.send(422, {"message": "Validation Failed", "errors": [
                {"resource": "IssueComment", "code": "custom", "field": "body",
                 "message": "body is too long (maximum is 65536 characters)"}],
                "documentation_url": DOCS + doc_path, "status": "422"})
        now = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
        with LOCK:
            if existing is None:
                STATE["next_comment"] += 1
                c = {"id": STATE["next_comment"], "body": text, "login": who["login"],
                     "user_id": who["id"], "user_type": who["type"], "created_at": now}
                repo["issues"][issue].append(c)
            else:
                existing["body"] = text
                existing["updated_at"] = now
                c = existing
            doc = comment_json(full, issue, c)
        self.send(201 if existing is None else 200, doc)

    def control(self, path, q, body):
        if path == "/_seed" and self.command == "POST":
            seed(json.loads(body))
            return self.reply(200, {"ok": True})
        if path == "/_reset" and self.command == "POST":
            with LOCK:
                STATE["repos"].clear()
                STATE["log"].clear()
            return self.reply(200, {"ok": True})
        if path == "/_log":
            with LOCK:
                return self.reply(200, list(STATE["log"]))
        if path == "/_comments":
            full = q.get("repo", [""])[0]
            issue = q.get("issue", [""])[0]
            with LOCK:
                cs = STATE["repos"].get(full, {}).get("issues", {}).get(issue)
                docs = None if cs is None else [comment_json(full, issue, c) for c in cs]
            return self.reply(200 if docs is not None else 404, docs if docs is not None else {})
        self.reply(404, {"message": "no such control route"})


class Blob(Base):
    def do_GET(self):
        log_request("blob", self, b"")
        path, _, query = self.path.partition("?")
        if self.headers.get("Authorization"):
            return self.reply(403, b"<?xml version=\"1.0\"?><Error><Code>AuthenticationFailed</Code>"
                              b"</Error>", "application/xml")
        if query != SIG or not path.startswith("/blob/"):
            return self.reply(403, b"<Error><Code>AuthenticationFailed</Code></Error>", "application/xml")
        ident = path[len("/blob/"):]
        with LOCK:
            found = [a for r in STATE["repos"].values() for a in r["artifacts"] if str(a["id"]) == ident]
        if not found or not found[0].get("zip_path"):
            return self.reply(404, b"<Error><Code>BlobNotFound</Code></Error>", "application/xml")
        with open(found[0]["zip_path"], "rb") as f:
            self.reply(200, f.read(), "application/zip")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--lifetime", type=float, default=300)
    ap.add_argument("--port-file", required=True)
    args = ap.parse_args()
    api = ThreadingHTTPServer((API_HOST, 0), Api)
    blob = ThreadingHTTPServer((BLOB_HOST, 0), Blob)
    api.daemon_threads = blob.daemon_threads = True
    STATE["blob_port"] = blob.server_address[1]
    # Written whole and renamed, so the test never reads half a line.
    with open(args.port_file + ".tmp", "w") as f:
        f.write("%d %d %d\n" % (api.server_address[1], blob.server_address[1], os.getpid()))
    os.rename(args.port_file + ".tmp", args.port_file)
    for srv in (api, blob):
        threading.Thread(target=srv.serve_forever, daemon=True).start()
    time.sleep(args.lifetime)


if __name__ == "__main__":
    sys.exit(main())
