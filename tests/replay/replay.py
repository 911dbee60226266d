#!/usr/bin/env python3
"""Replay server: stands in for Jolpica (the Ergast F1 API) and Wikipedia in tests.

There is no internet on the build machines, so the integration tests point the
product at this server.  It serves, on 127.0.0.1 only:

  /ergast/f1/...   the Jolpica/Ergast JSON API, built from tests/data/ergast-csv
                   (MRData envelope, limit/offset paging counted in result rows,
                   limit capped at 100, 400 on a bad limit/offset, 404 on an
                   unknown route, 200 with total "0" on an empty query);
  /wiki/<Title>    Wikipedia-shaped race articles (English and Italian) whose
                   weather row follows weather_rule() below;
  /_control?k=v    changes the fault settings while running (see Settings).

Faults (API requests only): 429 with Retry-After over a per-second rate, every
Nth request a 500, every Nth a truncated body, slow responses, a cutoff
that hides data after a given race so tests can simulate new data arriving
(with qualifying_cutoff, the qualifying of races after it up to a later race
is published already, as on a race weekend's Saturday), and a poisoned
field (one result row's value replaced, e.g. points "NaN").

Every request appends "<api|wiki|control> <status> <path?query>" to --log
before its response is written, so a client that has its answer can already
count it.  Standard library only; the CSVs are read once at start.

Deliberately left out: standings, laps, pit stops, sprint, status routes and
the driver/constructor/circuit filter segments (/drivers/<id>/...): the
product does not use them.
"""

import argparse
import collections
import csv
import gzip
import html
import json
import os
import re
import socket
import sys
import threading
import time
import unicodedata
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

API_PREFIX = "/ergast/f1"
NULL = "\\N"
DEFAULT_LIMIT = 30
MAX_LIMIT = 100
TABLES = ("seasons", "circuits", "drivers", "constructors", "races", "results", "qualifying")

# --------------------------------------------------------------------------
# Weather rule
# --------------------------------------------------------------------------

ITALIAN_WEATHER_WORDS = (
    "soleggiato", "sereno", "pioggia", "nuvoloso", "coperto", "variabile", "asciutto",
    "bagnato", "nebbia", "temporale", "parzialmente", "caldo", "freddo",
)
ITALIAN_WEATHER_RE = re.compile(r"\b(?:%s)\b" % "|".join(ITALIAN_WEATHER_WORDS), re.IGNORECASE)


def is_italian(text):
    """True when text is Italian weather: it holds one of ITALIAN_WEATHER_WORDS as a
    whole word, any case.  The old scraper's junk ("Risultati", infobox dumps
    starting "Pole position Giro più veloce") holds none of them."""
    return bool(ITALIAN_WEATHER_RE.search(text or ""))


def weather_rule(veronicanigro_2020, jomin_2023):
    """Which article of a race carries a weather row, and its text.

    Arguments are the two scraped columns of weather/weather_by_race.csv.
    Returns ("en", text) when the English article has a Weather row holding
    text, ("it", text) when only the Italian article has one ("Clima"), or
    (None, None) when neither has one.
      - English: the newer English-only scrape (jomin_2023) found a value, i.e.
        it is non-empty and not "not found".
      - Italian: otherwise, when the older scrape (which fell back to Italian
        Wikipedia) holds Italian weather text (is_italian).
      - Otherwise, and for races without a row in the CSV (2023 onwards), no
        article has a weather row.
    """
    jomin = jomin_2023 or ""
    if jomin.strip() and jomin.strip() != "not found":
        return "en", jomin
    if is_italian(veronicanigro_2020):
        return "it", veronicanigro_2020
    return None, None


def load_weather(path):
    """(season, round) -> (lang, text) for every row of weather_by_race.csv."""
    out = {}
    with open(path, newline="", encoding="utf-8") as f:
        for row in csv.DictReader(f):
            key = (int(row["season"]), int(row["round"]))
            out[key] = weather_rule(row["weather_veronicanigro_2020"], row["weather_jomin_2023"])
    return out


def tsv_escape(text):
    """Backslash-escapes so one value stays on one TSV line."""
    return text.replace("\\", "\\\\").replace("\t", "\\t").replace("\r", "\\r").replace("\n", "\\n")


def print_expected_weather(weather, out):
    """season, round, found/missing, lang, raw text (tsv_escape'd): one line per race
    of weather_by_race.csv (every race 1950-2022), no header, in (season, round) order."""
    for (season, rnd) in sorted(weather):
        lang, text = weather[(season, rnd)]
        status = "found" if lang else "missing"
        out.write("%d\t%d\t%s\t%s\t%s\n" % (season, rnd, status, lang or "", tsv_escape(text or "")))


# --------------------------------------------------------------------------
# Data set: the Ergast CSVs turned into API-shaped objects, once, at start
# --------------------------------------------------------------------------

def read_csv(path):
    with open(path, newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def present(value):
    return value is not None and value != NULL and value != ""


def put(obj, key, value):
    """Sets obj[key] only for a present CSV value: the API omits missing fields."""
    if present(value):
        obj[key] = value


def session(date, clock):
    out = {"date": date}
    put(out, "time", clock + "Z" if present(clock) else None)
    return out


class Race:
    """One row of races.csv.  base is the race object as results/qualifying
    nest it; schedule adds the session dates, as /{season}.json shows them."""

    __slots__ = ("season", "round", "key", "base", "schedule", "results", "qualifying", "circuit_id", "path")

    def __init__(self, row, circuit):
        self.season = int(row["year"])
        self.round = int(row["round"])
        self.key = (self.season, self.round)
        self.circuit_id = circuit["circuitId"]
        base = {"season": row["year"], "round": row["round"], "url": row["url"],
                "raceName": row["name"], "Circuit": circuit, "date": row["date"]}
        put(base, "time", row["time"] + "Z" if present(row["time"]) else None)
        self.base = base
        schedule = dict(base)
        for name, prefix in (("FirstPractice", "fp1"), ("SecondPractice", "fp2"), ("ThirdPractice", "fp3"),
                             ("Qualifying", "quali"), ("Sprint", "sprint")):
            date = row.get(prefix + "_date")  # None on the short 2025 rows
            if present(date):
                schedule[name] = session(date, row.get(prefix + "_time"))
        self.schedule = schedule
        self.results = []     # result objects in positionOrder
        self.qualifying = []  # qualifying objects in position order
        self.path = urllib.parse.urlsplit(row["url"]).path


def driver_object(row):
    out = {"driverId": row["driverRef"]}
    put(out, "permanentNumber", row["number"])
    put(out, "code", row["code"])
    out.update({"url": row["url"], "givenName": row["forename"], "familyName": row["surname"]})
    put(out, "dateOfBirth", row["dob"])
    put(out, "nationality", row["nationality"])
    return out


def result_object(row, driver, constructor, status):
    out = {}
    put(out, "number", row["number"])
    out.update({"position": row["positionOrder"], "positionText": row["positionText"],
                "points": row["points"], "Driver": driver, "Constructor": constructor,
                "grid": row["grid"], "laps": row["laps"], "status": status})
    if present(row["time"]):
        out["Time"] = {}
        put(out["Time"], "millis", row["milliseconds"])
        out["Time"]["time"] = row["time"]
    if present(row["fastestLap"]):
        fastest = {}
        put(fastest, "rank", row["rank"])
        fastest["lap"] = row["fastestLap"]
        put(fastest, "Time", {"time": row["fastestLapTime"]} if present(row["fastestLapTime"]) else None)
        if present(row["fastestLapSpeed"]):
            fastest["AverageSpeed"] = {"units": "kph", "speed": "%.3f" % float(row["fastestLapSpeed"])}
        out["FastestLap"] = fastest
    return out


LAPPED_RE = re.compile(r"^\+\d+ Laps?$")


def jolpica_status(status, position_text):
    """Jolpica's wording (docs/ergast_differences.md): lapped cars are "Lapped"
    and every retirement is "Retired", where Ergast wrote "+1 Lap", "Engine"..."""
    if LAPPED_RE.match(status):
        return "Lapped"
    if position_text == "R":
        return "Retired"
    return status


class DataSet:
    """Everything the API serves, read-only after __init__ (threads share it)
    except row_cache, whose entries are write-once (a race computes one twice)."""

    def __init__(self, data_dir):
        self.row_cache = {}
        csv_dir = os.path.join(data_dir, "ergast-csv")
        load = lambda name: read_csv(os.path.join(csv_dir, name + ".csv"))
        self.circuits = {}
        for row in load("circuits"):
            self.circuits[row["circuitId"]] = {
                "circuitId": row["circuitRef"], "url": row["url"], "circuitName": row["name"],
                "Location": {"lat": row["lat"], "long": row["lng"], "locality": row["location"],
                             "country": row["country"]}}
        self.drivers = {row["driverId"]: driver_object(row) for row in load("drivers")}
        self.constructors = {row["constructorId"]: {"constructorId": row["constructorRef"], "url": row["url"],
                                                    "name": row["name"], "nationality": row["nationality"]}
                             for row in load("constructors")}
        self.seasons = sorted(({"season": row["year"], "url": row["url"]} for row in load("seasons")),
                              key=lambda s: int(s["season"]))
        by_id = {}
        for row in load("races"):
            by_id[row["raceId"]] = Race(row, self.circuits[row["circuitId"]])
        self.races = sorted(by_id.values(), key=lambda r: r.key)
        self.race_at = {r.key: r for r in self.races}
        status = {row["statusId"]: row["status"] for row in load("status")}
        # Results are kept in both wordings so switching --status-style costs nothing.
        for row in sorted(load("results"), key=lambda r: int(r["positionOrder"])):
            race = by_id[row["raceId"]]
            driver, constructor = self.drivers[row["driverId"]], self.constructors[row["constructorId"]]
            ergast = result_object(row, driver, constructor, status[row["statusId"]])
            jolpica = dict(ergast, status=jolpica_status(ergast["status"], row["positionText"]))
            race.results.append((ergast, jolpica, row["driverId"], row["constructorId"]))
        for row in sorted(load("qualifying"), key=lambda r: int(r["position"])):
            out = {}
            put(out, "number", row["number"])
            out.update({"position": row["position"], "Driver": self.drivers[row["driverId"]],
                        "Constructor": self.constructors[row["constructorId"]]})
            for q in ("q1", "q2", "q3"):
                put(out, q.upper(), row[q])
            by_id[row["raceId"]].qualifying.append(out)
        weather_csv = os.path.join(data_dir, "weather", "weather_by_race.csv")
        self.weather = load_weather(weather_csv)
        self.english = {}  # article path -> Race
        self.italian = {}
        for race in self.races:
            for table, path in ((self.english, race.path), (self.italian, italian_path(race.path))):
                table[path] = race
                table[urllib.parse.unquote(path)] = race


def italian_path(english_path):
    """/wiki/Gran_Premio_<English title>: the English title is already URL-safe
    (as percent-encoded in races.csv), and the prefix keeps the two sets apart."""
    return "/wiki/Gran_Premio_" + english_path[len("/wiki/"):]


# --------------------------------------------------------------------------
# Settings: the faults, changeable at run time
# --------------------------------------------------------------------------

class BadSetting(ValueError):
    pass


def parse_cutoff(text):
    """"SEASON:ROUND" -> (season, round); "" or "none" -> None."""
    if text in (None, "", "none"):
        return None
    m = re.fullmatch(r"([0-9]{4}):([0-9]+)", text)
    if not m:
        raise BadSetting("cutoff must be SEASON:ROUND, got %r" % text)
    return int(m.group(1)), int(m.group(2))


def parse_count(text):
    if not re.fullmatch(r"[0-9]+", text or ""):
        raise BadSetting("expected a non-negative integer, got %r" % text)
    return int(text)


def parse_poison(text):
    """"SEASON:ROUND:FIELD:VALUE" -> (season, round, field path, value): the
    first result row of that race gets FIELD (dotted: Time.millis) set to
    VALUE, a string, or JSON null for "null"; "" or "none" -> None."""
    if text in (None, "", "none"):
        return None
    m = re.fullmatch(r"([0-9]{4}):([0-9]+):([A-Za-z.]+):(.*)", text, re.DOTALL)
    if not m:
        raise BadSetting("poison must be SEASON:ROUND:FIELD:VALUE, got %r" % text)
    value = None if m.group(4) == "null" else m.group(4)
    return int(m.group(1)), int(m.group(2)), m.group(3).split("."), value


def poisoned(races, poison):
    """The page's races with the poison applied to copies (the data set is
    shared and never modified)."""
    if poison is None:
        return races
    season, rnd, path, value = poison
    out = []
    for race in races:
        rows = race.get("Results")
        if rows and race["season"] == str(season) and race["round"] == str(rnd):
            race = dict(race, Results=list(rows))
            row = json.loads(json.dumps(rows[0]))
            obj = row
            for key in path[:-1]:
                obj = obj.setdefault(key, {})
            obj[path[-1]] = value
            race["Results"][0] = row
        out.append(race)
    return out


def parse_style(text):
    if text not in ("ergast", "jolpica"):
        raise BadSetting("status_style must be ergast or jolpica, got %r" % text)
    return text


class Settings:
    """The fault knobs and the counters they act on.  0 disables a knob.
    Every Nth counts the API requests that passed the rate limit, since start
    or since the last /_control change (so a test knows which request fails)."""

    PARSERS = {"rate_per_second": parse_count, "fail_500": parse_count, "truncate": parse_count,
               "slow_ms": parse_count, "slow_every": parse_count, "cutoff": parse_cutoff,
               "qualifying_cutoff": parse_cutoff, "wiki_fail_500": parse_count,
               "status_style": parse_style, "poison": parse_poison}

    def __init__(self, args):
        self.lock = threading.Lock()
        self.values = {"rate_per_second": args.rate_per_second, "fail_500": args.fail_500,
                       "truncate": args.truncate, "slow_ms": args.slow_ms, "slow_every": args.slow_every,
                       "cutoff": parse_cutoff(args.cutoff),
                       "qualifying_cutoff": parse_cutoff(args.qualifying_cutoff),
                       "wiki_fail_500": args.wiki_fail_500, "status_style": args.status_style,
                       "poison": parse_poison(args.poison)}
        self.api_count = 0
        self.wiki_count = 0
        self.recent = collections.deque()  # times of recent accepted API requests

    def update(self, pairs):
        """Applies key=value pairs (dashes or underscores) all or none; raises BadSetting."""
        parsed = {}
        for key, value in pairs:
            key = key.replace("-", "_")
            if key not in self.PARSERS:
                raise BadSetting("unknown setting %r" % key)
            parsed[key] = self.PARSERS[key](value)
        with self.lock:
            self.values.update(parsed)
            if parsed:
                self.api_count = 0
                self.wiki_count = 0
                self.recent.clear()

    def snapshot(self):
        with self.lock:
            out = dict(self.values)
        for key in ("cutoff", "qualifying_cutoff"):
            out[key] = "%d:%d" % out[key] if out[key] else ""
        out["poison"] = "set" if out["poison"] else ""
        return out

    def admit_api(self):
        """Decides this API request's fate: returns (fault, delay_seconds, values)
        with fault None, "429", "500" or "truncate".  Like Jolpica's throttle, only
        admitted requests fill the one-second window."""
        with self.lock:
            v = dict(self.values)
            now = time.monotonic()
            while self.recent and now - self.recent[0] >= 1.0:
                self.recent.popleft()
            if v["rate_per_second"] and len(self.recent) >= v["rate_per_second"]:
                return "429", 0.0, v
            self.recent.append(now)
            self.api_count += 1
            n = self.api_count
        fault = None
        if v["fail_500"] and n % v["fail_500"] == 0:
            fault = "500"
        elif v["truncate"] and n % v["truncate"] == 0:
            fault = "truncate"
        delay = 0.0
        if v["slow_ms"] and n % max(v["slow_every"], 1) == 0:
            delay = v["slow_ms"] / 1000.0
        return fault, delay, v

    def admit_wiki(self):
        """True when this Wikipedia request must fail with 500."""
        with self.lock:
            self.wiki_count += 1
            every = self.values["wiki_fail_500"]
            return bool(every) and self.wiki_count % every == 0


# --------------------------------------------------------------------------
# The API: route -> (status, JSON object)
# --------------------------------------------------------------------------

class ApiError(Exception):
    def __init__(self, status, detail):
        super().__init__(detail)
        self.status = status
        self.detail = detail


class View:
    """The data set as seen through a cutoff: seasons after the cutoff season do
    not exist; races of that season after the cutoff round have no results, and
    no qualifying unless they are no later than qualifying_cutoff."""

    def __init__(self, data, cutoff, status_style, qualifying_cutoff=None):
        self.data = data
        self.cutoff = cutoff
        self.qualifying_cutoff = qualifying_cutoff
        self.result_index = 1 if status_style == "jolpica" else 0

    def races(self):
        if self.cutoff is None:
            return self.data.races
        return [r for r in self.data.races if r.season <= self.cutoff[0]]

    def has_results(self, race):
        return bool(race.results) and (self.cutoff is None or race.key <= self.cutoff)

    def results(self, race):
        if not self.has_results(race):
            return []
        return [entry[self.result_index] for entry in race.results]

    def qualifying(self, race):
        ahead = self.qualifying_cutoff is not None and race.key <= self.qualifying_cutoff
        return race.qualifying if ahead or self.has_results(race) else []

    def current_season(self):
        races = self.races()
        return races[-1].season if races else None

    def last_race(self, season):
        done = [r for r in self.races() if r.season == season and self.has_results(r)]
        return done[-1] if done else None

    def next_race(self, season):
        """The race after the season's last race with results (Ergast's /2023/next
        is 2024 round 1), or the season's first race when it has none yet."""
        last = self.last_race(season)
        for race in self.races():
            if (last is not None and race.key > last.key) or (last is None and race.season == season):
                return race
        return None


def parse_route(path):
    """"/2023/5/results" -> (table, season, round) with season an int, "current"
    or None and round an int, "last", "next" or None.  Raises ApiError 404."""
    segs = [s for s in path.split("/") if s]
    if not segs:
        raise ApiError(404, "Not found.")
    number = lambda s: re.fullmatch(r"[0-9]+", s) is not None
    season = rnd = None
    if segs and (number(segs[0]) or segs[0] == "current"):
        season = segs.pop(0)
        season = int(season) if number(season) else season
        if segs and (number(segs[0]) or segs[0] in ("last", "next")):
            rnd = segs.pop(0)
            rnd = int(rnd) if number(rnd) else rnd
    table = segs.pop(0) if segs else "races"
    if segs or table not in TABLES:
        raise ApiError(404, "Not found.")
    return table, season, rnd


def page_params(query):
    """(limit, offset) from the query string; a limit over MAX_LIMIT is cut to it."""
    params = urllib.parse.parse_qs(query, keep_blank_values=True)
    out = []
    for name, default in (("limit", DEFAULT_LIMIT), ("offset", 0)):
        text = params.get(name, [None])[-1]
        if text is None:
            out.append(default)
            continue
        if not re.fullmatch(r"[0-9]+", text) or (name == "limit" and int(text) == 0):
            raise ApiError(400, "Invalid %s: %r must be a positive integer." % (name, text))
        out.append(int(text))
    return min(out[0], MAX_LIMIT), out[1]


def select_races(view, season, rnd):
    """The races a season/round filter names, plus the resolved attributes the
    table echoes ({"season": "2023", "round": "5"})."""
    attrs = {}
    if season == "current":
        season = view.current_season()
        if season is None:
            return [], attrs
    if rnd in ("last", "next"):  # parse_route only accepts them after a season
        race = view.last_race(season) if rnd == "last" else view.next_race(season)
        if race is None:
            return [], attrs
        return [race], {"season": race.base["season"], "round": race.base["round"]}
    races = view.races()
    if season is not None:
        attrs["season"] = str(season)
        races = [r for r in races if r.season == season]
    if rnd is not None:
        attrs["round"] = str(rnd)
        races = [r for r in races if r.round == rnd]
    return races, attrs


def collation_key(text):
    """Orders as the API's database does: case and accents ignored ("de Vries"
    after "Bottas", "Pérez" before "Piastri")."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


def listed(objects, table):
    """In the API's order: drivers by family name (as Jolpica lists them), the rest by id."""
    if table == "drivers":
        return sorted(objects, key=lambda o: (collation_key(o["familyName"]), collation_key(o["givenName"]),
                                              o["driverId"]))
    key = "circuitId" if table == "circuits" else "constructorId"
    return sorted(objects, key=lambda o: o[key])


def table_items(view, table, season, rnd):
    """(table name, list name, attrs, items, rows) for a route.  items is the full
    list for plain tables; for results/qualifying rows is a list of (race, row)
    because the page limit counts rows, not races."""
    filtered = season is not None or rnd is not None
    races, attrs = select_races(view, season, rnd)
    if table == "races":
        return "RaceTable", "Races", attrs, [r.schedule for r in races], None
    if table in ("results", "qualifying"):
        # Flattening all 27k result rows costs ~0.2 s; the data never changes
        # for one view, so each query's rows are built once.
        key = (view.cutoff, view.qualifying_cutoff, view.result_index, table, season, rnd)
        rows = view.data.row_cache.get(key)
        if rows is None:
            rows_of = view.results if table == "results" else view.qualifying
            rows = [(r, row) for r in races for row in rows_of(r)]
            view.data.row_cache[key] = rows
        return "RaceTable", "Races", attrs, None, rows
    if table == "seasons":
        wanted = {r.season for r in races}
        items = [s for s in view.data.seasons if int(s["season"]) in wanted]
        return "SeasonTable", "Seasons", attrs, items, None
    if table == "circuits":
        if not filtered and view.cutoff is None:
            items = list(view.data.circuits.values())
        else:
            items = list({r.circuit_id: r.base["Circuit"] for r in races}.values())
        return "CircuitTable", "Circuits", attrs, listed(items, table), None
    # drivers and constructors: those with a result in the selected races
    index, name, listname, everything = (
        (2, "DriverTable", "Drivers", view.data.drivers) if table == "drivers"
        else (3, "ConstructorTable", "Constructors", view.data.constructors))
    if not filtered and view.cutoff is None:
        items = list(everything.values())
    else:
        ids = {entry[index] for r in races if view.has_results(r) for entry in r.results}
        items = [everything[i] for i in ids]
    return name, listname, attrs, listed(items, table), None


def group_rows(rows, list_key):
    """Consecutive rows of one race become one race object: a race split over two
    pages appears on both, each holding only that page's rows."""
    races = []
    for race, row in rows:
        if not races or races[-1]["_key"] != race.key:
            races.append(dict(race.base, _key=race.key, **{list_key: []}))
        races[-1][list_key].append(row)
    for r in races:
        del r["_key"]
    return races


def api_response(view, path, query, url, poison=None):
    """The MRData document for an API path (prefix and .json removed)."""
    table, season, rnd = parse_route(path)
    limit, offset = page_params(query)
    name, listname, attrs, items, rows = table_items(view, table, season, rnd)
    if rows is not None:
        total = len(rows)
        page = group_rows(rows[offset:offset + limit], "Results" if table == "results" else "QualifyingResults")
        page = poisoned(page, poison)
    else:
        total = len(items)
        page = items[offset:offset + limit]
    body = dict(attrs)
    body[listname] = page
    return {"MRData": {"xmlns": "", "series": "f1", "url": url, "limit": str(limit), "offset": str(offset),
                       "total": str(total), name: body}}


# --------------------------------------------------------------------------
# Wikipedia pages
# --------------------------------------------------------------------------

def title_of(path):
    return urllib.parse.unquote(path[len("/wiki/"):]).replace("_", " ")


def weather_html(race, text):
    """The cell text as Wikipedia renders it: escaped, newlines as <br>, with a
    footnote marker on about every third race and a no-break space in some."""
    cell = html.escape(text, quote=False).replace("\r\n", "\n").replace("\n", "<br>")
    if (race.season + 2 * race.round) % 4 == 1:
        cell = cell.replace(" ", "&nbsp;", 1)
    if (race.season + race.round) % 3 == 0:
        cell += '<sup id="cite_ref-1" class="reference"><a href="#cite_note-1">[1]</a></sup>'
    return cell


def row(label, value, scope=True):
    if scope:
        return ('<tr><th scope="row" class="infobox-label">%s</th><td class="infobox-data">%s</td></tr>\n'
                % (label, value))
    return "<tr><th>%s</th><td>%s</td></tr>\n" % (label, value)


def page(title, lang, body, languages):
    links = "".join(
        '<li class="interlanguage-link interwiki-%s mw-list-item"><a href="%s" title="%s" lang="%s" '
        'hreflang="%s" class="interlanguage-link-target">%s</a></li>\n'
        % (code, html.escape(href), html.escape(tip), code, code, name)
        for code, href, tip, name in languages)
    return ('<!DOCTYPE html>\n<html class="client-nojs" lang="%s" dir="ltr">\n<head>\n<meta charset="UTF-8">\n'
            "<title>%s - Wikipedia</title>\n</head>\n<body class=\"mediawiki ltr sitedir-ltr\">\n"
            '<div id="content" class="mw-body" role="main">\n'
            '<h1 id="firstHeading" class="firstHeading mw-first-heading"><span class="mw-page-title-main">%s</span></h1>\n'
            '<div id="mw-content-text" class="mw-body-content"><div class="mw-content-ltr mw-parser-output" lang="%s" dir="ltr">\n'
            "%s</div></div>\n</div>\n"
            '<nav id="p-lang" class="vector-menu" aria-labelledby="p-lang-label"><ul class="vector-menu-content-list">\n'
            "%s</ul></nav>\n</body>\n</html>\n"
            % (lang, html.escape(title), html.escape(title), lang, body, links))


def english_page(data, race):
    """The English article.  Seasons before 1980, odd rounds, use the older
    layout: the weather sits in a second infobox headed "Race details"."""
    title = title_of(race.path)
    lang, text = data.weather.get(race.key, (None, None))
    circuit = race.base["Circuit"]
    loc = circuit["Location"]
    weather = row("Weather", weather_html(race, text)) if lang == "en" else ""
    top = ('<tr><th colspan="2" class="infobox-above summary">%s</th></tr>\n'
           '<tr><td colspan="2" class="infobox-subheader">Race %d of the %d Formula One World Championship</td></tr>\n'
           % (html.escape(title), race.round, race.season)
           + row("Date", html.escape(race.base["date"]))
           + row("Official name", html.escape("%d %s" % (race.season, race.base["raceName"])))
           + row("Location", html.escape("%s, %s, %s" % (circuit["circuitName"], loc["locality"], loc["country"]))))
    details = (row("Course", "Permanent racing facility", race.season >= 1980)
               + row("Distance", "%d laps" % (50 + race.round), race.season >= 1980))
    if race.season < 1980 and race.round % 2 == 1:
        old_weather = row("Weather", weather_html(race, text), False) if lang == "en" else ""
        tables = ('<table class="infobox vevent"><tbody>\n%s</tbody></table>\n'
                  '<table class="infobox"><tbody>\n<tr><th colspan="2">Race details</th></tr>\n%s%s</tbody></table>\n'
                  % (top, details, old_weather))
    else:
        tables = '<table class="infobox vevent"><tbody>\n%s%s%s%s</tbody></table>\n' % (
            top, details, weather, row("Attendance", "%d" % (40000 + 1000 * race.round)))
    body = (tables + "<p>The <b>%s</b> was a Formula One motor race held on %s at %s.</p>\n"
            % (html.escape(title), html.escape(race.base["date"]), html.escape(circuit["circuitName"])))
    it_title = italian_path(race.path)[len("/wiki/"):]
    languages = [("fr", "https://fr.wikipedia.org/wiki/Grand_Prix_" + race.path[len("/wiki/"):],
                  "Grand Prix – français", "Français"),
                 ("it", "https://it.wikipedia.org/wiki/" + it_title,
                  "%s – italiano" % title_of("/wiki/" + it_title), "Italiano")]
    return page(title, "en", body, languages)


def italian_page(data, race):
    """The Italian article: its infobox has a "Risultati" section header (junk the
    old scraper took for weather) and, when the rule says so, a "Clima" row."""
    title = title_of(italian_path(race.path))
    lang, text = data.weather.get(race.key, (None, None))
    rows = ('<tr class="sinottico_testata"><th colspan="2">%s</th></tr>\n' % html.escape(title)
            + row("Data", html.escape(race.base["date"]), False)
            + row("Circuito", html.escape(race.base["Circuit"]["circuitName"]), False)
            + '<tr class="sinottico_divisione"><th colspan="2">Risultati</th></tr>\n'
            + '<tr><td colspan="2">Pole position Giro più veloce<br>Podio</td></tr>\n')
    if lang == "it":
        rows += row("Clima", weather_html(race, text), False)
    body = ('<table class="sinottico infobox"><tbody>\n%s</tbody></table>\n'
            "<p>Il <b>%s</b> è stata una gara di Formula 1.</p>\n" % (rows, html.escape(title)))
    english = ("en", "https://en.wikipedia.org" + race.path, "%s – inglese" % title_of(race.path), "English")
    return page(title, "it", body, [english])


def wiki_response(data, path):
    """(status, html) for /wiki/<Title>; a title is matched as sent or decoded."""
    for table, render in ((data.english, english_page), (data.italian, italian_page)):
        race = table.get(path) or table.get(urllib.parse.unquote(path))
        if race is not None and path.startswith("/wiki/"):
            return 200, render(data, race)
    return 404, page("Not found", "en", "<p>Wikipedia does not have an article with this exact name.</p>\n", [])


# --------------------------------------------------------------------------
# HTTP
# --------------------------------------------------------------------------

class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, as the real services
    # Headers and body go out in separate writes; with Nagle on, the second
    # waits ~40 ms for the client's delayed ACK on every keep-alive request.
    disable_nagle_algorithm = True
    server_version = "replay/1"

    def log_message(self, fmt, *args):  # the --log file replaces stderr logging
        pass

    def do_GET(self):
        split = urllib.parse.urlsplit(self.path)
        if split.path == "/_control":
            self.control(split.query)
        elif split.path.startswith(API_PREFIX + "/"):
            self.api(split.path[len(API_PREFIX):], split.query)
        else:
            self.wiki(split.path)

    def record(self, kind, status):
        self.server.log_line("%s %d %s" % (kind, status, self.path))

    def send(self, status, body, content_type, extra=(), truncate=False):
        if "gzip" in self.headers.get("Accept-Encoding", ""):
            body = gzip.compress(body)
            extra = list(extra) + [("Content-Encoding", "gzip"), ("Vary", "Accept-Encoding")]
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        for key, value in extra:
            self.send_header(key, value)
        self.end_headers()
        if truncate:
            # Promise the whole body, write half, hang up: a broken transfer.
            self.wfile.write(body[:len(body) // 2])
            self.wfile.flush()
            self.close_connection = True
            try:
                self.connection.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            return
        self.wfile.write(body)

    def send_json(self, kind, status, obj, extra=(), truncate=False):
        self.record(kind, status)
        body = json.dumps(obj, separators=(",", ":")).encode("ascii")
        self.send(status, body, "application/json", extra, truncate)

    def control(self, query):
        try:
            self.server.settings.update(urllib.parse.parse_qsl(query, keep_blank_values=True))
        except BadSetting as e:
            self.send_json("control", 400, {"detail": str(e)})
            return
        self.send_json("control", 200, self.server.settings.snapshot())

    def api(self, path, query):
        fault, delay, values = self.server.settings.admit_api()
        if fault == "429":
            self.send_json("api", 429, {"detail": "Request was throttled. Expected available in 1 second."},
                           [("Retry-After", "1")])
            return
        if delay:
            time.sleep(delay)
        if fault == "500":
            self.send_json("api", 500, {"detail": "Internal server error."})
            return
        if path.endswith(".json"):
            path = path[:-len(".json")]
        elif path.endswith("/"):
            path = path[:-1]
        else:
            self.send_json("api", 404, {"detail": "Not found."})
            return
        host = self.headers.get("Host", "127.0.0.1")
        url = ("http://%s%s%s.json" % (host, API_PREFIX, path)).lower()
        view = View(self.server.data, values["cutoff"], values["status_style"], values["qualifying_cutoff"])
        try:
            doc = api_response(view, path, query, url, values["poison"])
        except ApiError as e:
            self.send_json("api", e.status, {"detail": e.detail})
            return
        self.send_json("api", 200, doc, truncate=(fault == "truncate"))

    def wiki(self, path):
        if self.server.settings.admit_wiki():
            status, text = 500, page("Error", "en", "<p>Our servers are currently under maintenance.</p>\n", [])
        else:
            status, text = wiki_response(self.server.data, path)
        self.record("wiki", status)
        self.send(status, text.encode("utf-8"), "text/html; charset=UTF-8")


class ReplayServer(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, port, data, settings, log_path):
        super().__init__(("127.0.0.1", port), Handler)
        self.data = data
        self.settings = settings
        self.log_lock = threading.Lock()
        # Append mode: a test may truncate the file to reset its counts.
        self.log_file = open(log_path, "a", encoding="utf-8") if log_path else None

    def handle_error(self, request, client_address):
        # A client hanging up mid-response is part of the tests (timeouts), not news.
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)

    def log_line(self, line):
        if self.log_file is None:
            return
        with self.log_lock:
            self.log_file.write(line + "\n")
            self.log_file.flush()


def parse_args(argv):
    here = os.path.dirname(os.path.abspath(__file__))
    p = argparse.ArgumentParser(description="Replay Jolpica (Ergast) and Wikipedia for tests.")
    p.add_argument("--port", type=int, default=0, help="TCP port on 127.0.0.1 (0 = any free one)")
    p.add_argument("--data", default=os.path.join(here, "..", "data"), help="the tests/data directory")
    p.add_argument("--log", help="append one line per request here")
    p.add_argument("--rate-per-second", type=int, default=0, help="429 over R API requests per second")
    p.add_argument("--fail-500", type=int, default=0, help="every Nth API request answers 500")
    p.add_argument("--truncate", type=int, default=0, help="every Nth API request sends a short body")
    p.add_argument("--slow-ms", type=int, default=0, help="delay API responses by MS")
    p.add_argument("--slow-every", type=int, default=1, help="only every Nth API response is slow")
    p.add_argument("--cutoff", default="", help="SEASON:ROUND: the API's data ends with this race")
    p.add_argument("--qualifying-cutoff", default="",
                   help="SEASON:ROUND: qualifying is published up to this race, even after --cutoff")
    p.add_argument("--poison", default="", help="SEASON:ROUND:FIELD:VALUE: the race's first result row "
                   "gets FIELD set to the string VALUE (null: JSON null)")
    p.add_argument("--wiki-fail-500", type=int, default=0, help="every Nth Wikipedia request answers 500")
    p.add_argument("--status-style", choices=("ergast", "jolpica"), default="ergast",
                   help='result status wording: the CSV\'s ("+1 Lap", "Engine") or Jolpica\'s ("Lapped", "Retired")')
    p.add_argument("--expected-weather", action="store_true",
                   help="print season, round, found/missing, lang, raw text (TSV, \\n \\t \\\\ escaped) "
                        "for every race 1950-2022, and exit")
    return p.parse_args(argv)


def main(argv):
    args = parse_args(argv)
    if args.expected_weather:
        print_expected_weather(load_weather(os.path.join(args.data, "weather", "weather_by_race.csv")), sys.stdout)
        return 0
    try:
        settings = Settings(args)
    except BadSetting as e:
        sys.stderr.write("replay: %s\n" % e)
        return 2
    server = ReplayServer(args.port, DataSet(args.data), settings, args.log)
    print("READY %d" % server.server_address[1], flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
