#!/usr/bin/env python3
"""Writes tests/data/weather_expected.tsv: the docs/pipeline.md §2 category of every
distinct weather text in tests/data/weather/weather_by_race.csv.

This is a second, independent implementation of the §2 rules, written from
the spec text (not from the C code), so tests/unit/test_weather.c can check
weather_clean() and weather_category() against it on real data:
  - cleaning: each footnote marker ("[", at most 12 letters, digits or
    spaces, "]") becomes a space; every run of whitespace (Unicode
    White_Space, no-break spaces included) becomes one space; trimmed;
  - words: runs of Unicode letters (str.isalpha) of the lower-cased text;
  - category: the first category, in table order, with a word in its list.

Both raw columns (weather_veronicanigro_2020, weather_jomin_2023) are used.
Output: one line per distinct cleaned text, "text<TAB>category", sorted.

Run from the repository root:  python3 tests/tools/weather_expected.py
"""
import csv
import itertools
import re
import sys

CATEGORIES = [
    ("hot", {"hot"}),
    ("warm", {"soleggiato", "clear", "warm", "sunny", "fine", "mild", "sereno"}),
    ("cold", {"cold", "fresh", "chilly", "cool"}),
    ("dry", {"dry", "asciutto"}),
    ("wet", {"showers", "wet", "rain", "pioggia", "damp", "thunderstorms", "rainy", "drizzly"}),
    ("cloudy", {"overcast", "nuvoloso", "clouds", "cloudy", "grey", "coperto"}),
]

# The Unicode White_Space property (not Python's str.isspace, which also
# counts the ASCII separators U+001C..U+001F).
WHITE_SPACE = ("\t\n\x0b\x0c\r \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005"
               "\u2006\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000")
FOOTNOTE = re.compile(r"\[[A-Za-z0-9 ]{0,12}\]")
SPACES = re.compile("[" + re.escape(WHITE_SPACE) + "]+")

RAW_COLUMNS = ("weather_veronicanigro_2020", "weather_jomin_2023")


def clean(raw):
    text = FOOTNOTE.sub(" ", raw)
    return SPACES.sub(" ", text).strip(" ")


def category(text):
    words = {"".join(run) for is_letter, run in
             itertools.groupby(text.lower(), key=str.isalpha) if is_letter}
    for name, keywords in CATEGORIES:
        if words & keywords:
            return name
    return "unknown"


def main():
    src = "tests/data/weather/weather_by_race.csv"
    dst = "tests/data/weather_expected.tsv"
    texts = set()
    with open(src, encoding="utf-8", newline="") as f:
        for row in csv.DictReader(f):
            for col in RAW_COLUMNS:
                texts.add(clean(row[col]))
    with open(dst, "w", encoding="utf-8", newline="\n") as out:
        for text in sorted(texts):
            if "\t" in text or "\n" in text:
                sys.exit("cleaned text still holds a tab or line break: %r" % text)
            out.write("%s\t%s\n" % (text, category(text)))
    print("%s: %d texts" % (dst, len(texts)))


if __name__ == "__main__":
    main()
