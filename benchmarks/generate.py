"""Write a deterministic, realistic synthetic Dateline dataset for the benchmarks.

    python benchmarks/generate.py --events 10000 --out benchmarks/out/events-10000 [--seed 1]

The same arguments always give byte-identical files: everything is drawn from one
``random.Random(seed)`` in a fixed order, and nothing depends on set or hash order, the clock
or the machine. The output passes ``dateline check`` with no errors; the only warnings it is
meant to draw are the ones real data draws too (sources without an archived copy, a few
sources with no URL).

"Realistic" is what matters for the timings, so the data has the shape of real contributions:

* titles and summaries are drawn from a Zipf-distributed vocabulary (a few words in nearly
  every event, a long tail of words seen once or twice), so a full-text index has the skew it
  will have in production;
* every date form the format allows appears (year, month, day, date-times with an offset or
  ``Z``, unspecified digits, qualifiers ``~ ? %``, closed, open and unknown intervals), with
  most events dated to the day and the recent past, as in real timelines;
* actors and places (a few thousand, scaling with the dataset) are used with Zipf popularity,
  some carry Arabic aliases, places form ``within`` trees and have coordinates;
* claims carry figures and source indexes, events carry 1–3 sources, tags, related events and
  correction histories.

The vocabulary (and so the marker words below) does not depend on the seed, so benchmarks can
rely on them.
"""

from __future__ import annotations

import argparse
import bisect
import itertools
import re
import shutil
import sys
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from random import Random
from typing import Generic, TypeVar

T = TypeVar("T")

# The rank-1 word of the vocabulary: it is in nearly every event. Use it as "a common word".
COMMON_WORD = "forces"
# Words that are never in the vocabulary and are planted in a known number of events, so a
# search benchmark has "a rare word" whose hit count is known in advance.
SINGLE_HIT_WORD = "aardwolf"  # exactly one event (when there are any events)
RARE_WORD = "quillwort"  # events 1, 1 + RARE_WORD_EVERY, ...: N / RARE_WORD_EVERY rounded up
RARE_WORD_EVERY = 1000

# All generated dates stay at or before this day, so nothing is in the future whatever the
# clock says, and the output does not depend on when it was generated.
LATEST = date(2026, 6, 30)
# Events before this are history: their sources were published much later, not at the time.
MODERN = date(1995, 1, 1)


def words(text: str) -> list[str]:
    return text.split()


# The most frequent words, most frequent first; the long tail is made-up words (below).
HEAD_WORDS = words("""
forces security government camp prison said attack city officials report people military
army local killed detained border village troops fighters ministry police control region
statement according families residents protest release talks agreement displaced water
strike council weapons checkpoint refugees humanitarian aid convoy court trial commander
militia media sources spokesman election negotiations ceasefire withdrawal province oil
detainees hospital school market bridge road airport district governor president reported
injured dozens hundreds thousands arrested escaped clashes shelling drone raid operation
coalition observatory monitors rights investigation evidence witnesses journalists denied
confirmed accused claimed warned announced transferred captured recaptured surrendered
negotiated opened closed seized burned rebuilt returned fled crossed blocked supplies
electricity fuel prices wheat harvest drought flood earthquake storm fire disease vaccine
tribe elders leaders party parliament constitution referendum sanctions embassy envoy
delegation summit minister deputy mayor judge prosecutor lawyer activists students workers
union strike teachers doctors nurses children women men civilians prisoners hostages
""")

SYLLABLES = words("""
ka va ri mo sa lu te ni da ro ba ha ze qu el am ir os un ya fa ma ra na la ta sha kha gha
tho dhi wa ja za mi su bo lo de ne fi gu hu ki li nu pa si ti vi yo zu ar ad ak al an as
""")

FIRST_NAMES = words("""
Amal Hassan Leila Omar Nour Rami Samira Yusuf Zainab Karim Huda Tariq Rania Bilal Dalia
Fadi Ghada Imad Jamila Khalid Lina Majid Nadia Qasim Reem Salim Tamara Walid Yara Ziad
Anna David Maria John Elena Peter Sofia Daniel Ines Marco Hana Ivan Leyla Serkan Aylin
""")

ARABIC_LETTERS = {
    "a": "ا", "b": "ب", "d": "د", "e": "ي", "f": "ف", "g": "غ", "h": "ه", "i": "ي", "j": "ج",
    "k": "ك", "l": "ل", "m": "م", "n": "ن", "o": "و", "p": "ب", "q": "ق", "r": "ر", "s": "س",
    "t": "ت", "u": "و", "v": "ف", "w": "و", "y": "ي", "z": "ز", "c": "ك", "x": "كس",
}  # fmt: skip

ARABIC_WORDS = {
    "republic": "جمهورية", "of": "", "province": "ولاية", "governorate": "محافظة",
    "camp": "مخيم", "prison": "سجن", "checkpoint": "حاجز", "airport": "مطار", "dam": "سد",
    "border": "معبر", "crossing": "حدودي", "oil": "حقل", "field": "نفط", "tal": "تل",
    "deir": "دير", "news": "أخبار", "the": "", "post": "بوست", "ministry": "وزارة",
    "interior": "الداخلية", "defence": "الدفاع", "government": "حكومة", "army": "جيش",
    "liberation": "تحرير", "front": "جبهة", "brigades": "ألوية", "tribe": "قبيلة",
    "bani": "بني", "media": "إعلام", "centre": "مركز", "relief": "إغاثة",
    "foundation": "مؤسسة", "friends": "أصدقاء", "rights": "حقوق", "watch": "مراقبة",
    "democratic": "الديمقراطي", "party": "حزب", "people's": "الشعب", "union": "اتحاد",
    "monitoring": "مراقبة", "mission": "بعثة", "joint": "مشتركة", "commission": "لجنة",
    "jadida": "الجديدة",
}  # fmt: skip

ACTOR_KINDS = (
    ("person", 30), ("armed-group", 15), ("government", 12), ("media", 15), ("ngo", 10),
    ("international-organisation", 5), ("political-party", 8), ("tribe", 5),
)  # fmt: skip
SITE_KINDS = (
    "town", "village", "village", "camp", "prison", "checkpoint", "border-crossing",
    "airport", "dam", "oil-field", "neighbourhood",
)  # fmt: skip
UNITS = ("people", "detainees", "families", "fighters", "civilians", "vehicles", "buildings")
OFFSETS = ("+03:00", "+02:00", "+01:00", "+05:30", "-05:00", "-08:00", "+09:00", "-03:30")
STATUSES = (("reported", 60), ("confirmed", 25), ("disputed", 10), ("retracted", 5))

SLUG_MAX = 100


# --- random helpers ------------------------------------------------------------------------


class Zipf(Generic[T]):
    """Draws items with probability proportional to 1 / rank**s (rank 1 = the first item)."""

    def __init__(self, items: Sequence[T], s: float = 1.0) -> None:
        self.items = list(items)
        self.cum = list(itertools.accumulate(1.0 / (rank**s) for rank in range(1, len(items) + 1)))
        self.total = self.cum[-1]

    def draw(self, rng: Random) -> T:
        return self.items[bisect.bisect(self.cum, rng.random() * self.total)]

    def draws(self, rng: Random, k: int) -> list[T]:
        cum, total, items, random = self.cum, self.total, self.items, rng.random
        return [items[bisect.bisect(cum, random() * total)] for _ in range(k)]


def weighted(rng: Random, choices: Sequence[tuple[T, int]]) -> T:
    return rng.choices([c for c, _ in choices], [w for _, w in choices])[0]


def unique(items: Iterable[T]) -> list[T]:
    """Items in first-seen order without repeats (duplicates in a list would be an error)."""
    return list(dict.fromkeys(items))


def slugify(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def stem(rng: Random, syllables: int | None = None) -> str:
    count = syllables or rng.choice((2, 2, 3, 3, 4))
    return "".join(rng.choice(SYLLABLES) for _ in range(count)).capitalize()


def arabic(name: str) -> str:
    """A plausible Arabic alias of a made-up name: known words translated, the rest spelled."""
    out = []
    for word in name.replace("Al-", "al-").split():
        if word.lower() in ARABIC_WORDS:
            out.append(ARABIC_WORDS[word.lower()])  # "" for words Arabic leaves out
            continue
        article, _, rest = word.rpartition("al-")
        letters = "".join(ARABIC_LETTERS.get(c, "") for c in rest.lower())
        if letters:
            out.append(("ال" if article or word.startswith("al-") else "") + letters)
    return " ".join(w for w in out if w) or "اسم"


def build_vocabulary(size: int = 40_000) -> list[str]:
    """The head words, then made-up words; fixed (not seeded) so the marker words are stable."""
    rng = Random(20260120)
    words = list(HEAD_WORDS)
    seen = set(words) | {SINGLE_HIT_WORD, RARE_WORD}
    while len(words) < size:
        word = stem(rng, rng.choice((2, 2, 3, 3, 3, 4))).lower()
        if word not in seen:
            seen.add(word)
            words.append(word)
    return words


# --- YAML text -----------------------------------------------------------------------------

# Text that YAML would read as something else, or that cannot be a plain scalar.
_UNSAFE_PLAIN = re.compile(r"""^[-?:,\[\]{}#&*!|>'"%@`\s.+\d]|: |\s#|[\s:]$""")
_UNSAFE_FLOW = re.compile(r"[,\[\]{}]")
_YAML11_WORDS = frozenset(words("y n yes no true false on off null ~"))


def scalar(text: str, *, flow: bool = False) -> str:
    """``text`` as a YAML scalar: plain where that reads back as the same text, else quoted."""
    if (
        _UNSAFE_PLAIN.search(text)
        or text.lower() in _YAML11_WORDS
        or (flow and _UNSAFE_FLOW.search(text))
    ):
        return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'
    return text


def flow_list(items: Sequence[str]) -> str:
    return "[" + ", ".join(scalar(i, flow=True) for i in items) + "]"


def yaml_list(key: str, items: Sequence[str], indent: str, block: bool) -> list[str]:
    """A list field in either style contributors use: ``[a, b]`` or one ``- a`` per line."""
    if not items:
        return []
    if not block:
        return [f"{indent}{key}: {flow_list(items)}"]
    return [f"{indent}{key}:", *(f"{indent}  - {scalar(i)}" for i in items)]


def wrap(words: Sequence[str], width: int = 88) -> list[str]:
    """Greedy line-wrapping of words (textwrap is several times slower at 100k events)."""
    lines: list[str] = []
    line: list[str] = []
    length = 0
    for word in words:
        if line and length + 1 + len(word) > width:
            lines.append(" ".join(line))
            line, length = [], 0
        length += len(word) + (1 if line else 0)
        line.append(word)
    if line:
        lines.append(" ".join(line))
    return lines


# --- dates ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class When:
    """A generated EDTF date: its text, the id prefix, and the days other dates hang from."""

    edtf: str
    prefix: str  # what the id starts with: the earliest known bound, as fully as known
    first: date  # the earliest known day (the folder is its year)
    last: date  # the latest known day: sources and updates come after it


def random_year(rng: Random) -> int:
    # Timelines are dense in the recent past and thin further back.
    roll = rng.random()
    if roll < 0.62:
        return min(round(rng.triangular(1990, 2026, 2025)), 2026)
    if roll < 0.92:
        return rng.randint(1900, 1989)
    if roll < 0.99:
        return rng.randint(1500, 1899)
    return rng.randint(1, 1499)


def random_day(rng: Random, year: int, *, inner: bool = False) -> date:
    """A day of ``year`` up to LATEST; ``inner`` avoids 1 January and 31 December."""
    low = date(year, 1, 2 if inner else 1).toordinal()
    high = min(date(year, 12, 30 if inner else 31), LATEST).toordinal()
    return date.fromordinal(rng.randint(low, high))


def month_end(day: date) -> date:
    following = date(day.year + day.month // 12, day.month % 12 + 1, 1)
    return following - timedelta(days=1)


def fmt(day: date, precision: str) -> str:
    if precision == "year":
        return f"{day.year:04d}"
    if precision == "month":
        return f"{day.year:04d}-{day.month:02d}"
    return day.isoformat()


def bounds(day: date, precision: str) -> tuple[date, date]:
    """The first and last day a date of this precision covers."""
    if precision == "year":
        return date(day.year, 1, 1), date(day.year, 12, 31)
    if precision == "month":
        return day.replace(day=1), month_end(day)
    return day, day


def simple(rng: Random, precision: str, qualifier: str = "") -> When:
    day = random_day(rng, random_year(rng))
    first, last = bounds(day, precision)
    text = fmt(day, precision)
    return When(text + qualifier, text, first, min(last, LATEST))


def date_time(rng: Random, zulu: bool) -> When:
    # Modern events only; no 1 January or 31 December, so the UTC day has the same year.
    day = random_day(rng, rng.randint(1995, 2026), inner=True)
    clock = f"{rng.randint(0, 23):02d}:{rng.randint(0, 59):02d}"
    if rng.random() < 0.4:
        clock += f":{rng.randint(0, 59):02d}"
    zone = "Z" if zulu else rng.choice(OFFSETS)
    return When(f"{day.isoformat()}T{clock}{zone}", day.isoformat(), day, day)


def unspecified(rng: Random, form: str) -> When:
    if form == "decade":  # 199X: some year of the 1990s
        decade = rng.randint(150, 201)
        return When(
            f"{decade:03d}X",
            f"{decade * 10:04d}",
            date(decade * 10, 1, 1),
            date(decade * 10 + 9, 12, 31),
        )
    if form == "century":  # 19XX
        century = rng.randint(15, 19)
        return When(
            f"{century:02d}XX",
            f"{century * 100:04d}",
            date(century * 100, 1, 1),
            date(century * 100 + 99, 12, 31),
        )
    year = rng.randint(1900, 2025)
    if form == "month":  # 2004-XX
        return When(f"{year:04d}-XX", f"{year:04d}", date(year, 1, 1), date(year, 12, 31))
    day = random_day(rng, year)  # 1985-04-XX
    month = fmt(day, "month")
    return When(f"{month}-XX", month, day.replace(day=1), month_end(day))


def add_units(day: date, precision: str, count: int) -> date:
    if precision == "year":
        return day.replace(year=day.year + count, day=min(day.day, 28))
    if precision == "month":
        months = day.year * 12 + day.month - 1 + count
        return date(months // 12, months % 12 + 1, min(day.day, 28))
    return day + timedelta(days=count)


def interval(rng: Random, form: str) -> When:
    """``A/B`` and its open (``..``) and unknown (empty) forms; B never precedes A."""
    precision = weighted(rng, (("day", 5), ("month", 3), ("year", 2)))
    span = {"day": (1, 400), "month": (1, 36), "year": (1, 15)}[precision]
    while True:
        start = random_day(rng, random_year(rng))
        end = add_units(start, precision, rng.randint(*span))
        if end <= LATEST:
            break
    a, b = fmt(start, precision), fmt(end, precision)
    first, _ = bounds(start, precision)
    _, last = bounds(end, precision)
    if form == "closed":
        if rng.random() < 0.25:  # a qualified end: 2004-06~/2004-08?
            if rng.random() < 0.5:
                a += rng.choice("~?%")
            else:
                b += rng.choice("~?%")
        return When(f"{a}/{b}", fmt(start, precision), first, min(last, LATEST))
    if form in ("open-end", "unknown-end"):
        end_text = ".." if form == "open-end" else ""
        last_known = min(bounds(start, precision)[1], LATEST)
        return When(f"{a}/{end_text}", a, first, last_known)
    start_text = ".." if form == "open-start" else ""
    first_known, _ = bounds(end, precision)
    return When(f"{start_text}/{b}", b, first_known, min(last, LATEST))


DATE_FORMS: tuple[tuple[Callable[[Random], When], int], ...] = (
    (lambda r: simple(r, "day"), 400),
    (lambda r: simple(r, "month"), 120),
    (lambda r: simple(r, "year"), 80),
    (lambda r: date_time(r, zulu=False), 50),
    (lambda r: date_time(r, zulu=True), 40),
    (lambda r: unspecified(r, "decade"), 20),
    (lambda r: unspecified(r, "century"), 10),
    (lambda r: unspecified(r, "month"), 20),
    (lambda r: unspecified(r, "day"), 20),
    (lambda r: simple(r, "day", r.choice("~?%")), 40),
    (lambda r: simple(r, "month", r.choice("~?%")), 25),
    (lambda r: simple(r, "year", r.choice("~?%")), 15),
    (lambda r: interval(r, "closed"), 80),
    (lambda r: interval(r, "open-end"), 15),
    (lambda r: interval(r, "open-start"), 15),
    (lambda r: interval(r, "unknown-start"), 10),
    (lambda r: interval(r, "unknown-end"), 10),
)
_DATE_MAKERS = [maker for maker, _ in DATE_FORMS]
_DATE_WEIGHTS = list(itertools.accumulate(weight for _, weight in DATE_FORMS))


def random_when(rng: Random) -> When:
    return rng.choices(_DATE_MAKERS, cum_weights=_DATE_WEIGHTS)[0](rng)


def reported_day(rng: Random, when: When, most: int) -> date:
    """When a source or claim reported the event: soon after it, or (for history) lately."""
    if when.last < MODERN:
        return date.fromordinal(rng.randint(MODERN.toordinal(), LATEST.toordinal()))
    return min(when.last + timedelta(days=rng.randint(0, most)), LATEST)


def stamp(day: date) -> str:
    """A Wayback Machine timestamp (yyyymmddhhmmss)."""
    return f"{day.year:04d}{day.month:02d}{day.day:02d}000000"


# --- actors, places, publishers ------------------------------------------------------------


@dataclass
class Entity:
    id: str
    name: str
    kind: str
    aliases: list[str] = field(default_factory=list)
    description: str | None = None
    within: str | None = None
    lat: float | None = None
    lon: float | None = None


def actor_name(rng: Random, kind: str) -> str:
    s = stem(rng)
    if kind == "person":
        return f"{rng.choice(FIRST_NAMES)} {s}"
    patterns = {
        "armed-group": (f"{s} Liberation Front", f"{s} Brigades", f"Army of {s}"),
        "government": (f"Government of {s}", f"{s} Ministry of Interior", f"{s} Defence Ministry"),
        "media": (f"{s} News", f"The {s} Post", f"{s} Media Centre"),
        "ngo": (f"{s} Relief Foundation", f"Friends of {s}", f"{s} Rights Watch"),
        "international-organisation": (f"{s} Monitoring Mission", f"{s} Joint Commission"),
        "political-party": (f"{s} Democratic Party", f"{s} People's Union"),
        "tribe": (f"{s} tribe", f"Bani {s}"),
    }
    return rng.choice(patterns[kind])


def acronym(name: str) -> str:
    return "".join(w[0] for w in name.split() if w[0].isupper())


def unique_id(taken: set[str], base: str) -> str:
    base = base[:SLUG_MAX].strip("-")
    candidate, n = base, 1
    while candidate in taken:
        n += 1
        suffix = f"-{n}"
        candidate = base[: SLUG_MAX - len(suffix)].rstrip("-") + suffix
    taken.add(candidate)
    return candidate


def make_actors(rng: Random, count: int, words: Zipf[str]) -> list[Entity]:
    taken: set[str] = set()
    actors = []
    for _ in range(count):
        kind = weighted(rng, ACTOR_KINDS)
        name = actor_name(rng, kind)
        actor = Entity(unique_id(taken, slugify(name)), name, kind)
        if kind != "person" and rng.random() < 0.4 and len(acronym(name)) > 1:
            actor.aliases.append(acronym(name))
        if rng.random() < 0.3:
            actor.aliases.append(arabic(name))
        if rng.random() < 0.3:
            actor.description = sentence(rng, words, 6, 18)
        actors.append(actor)
    return actors


def place_name(rng: Random, kind: str) -> str:
    s = stem(rng)
    if kind == "country":
        return f"Republic of {s}" if rng.random() < 0.2 else s
    if kind in ("governorate", "province"):
        return f"{s} {kind.capitalize()}"
    if kind in ("camp", "prison", "checkpoint", "airport", "dam"):
        return f"{s} {kind}"
    if kind == "border-crossing":
        return f"{s} border crossing"
    if kind == "oil-field":
        return f"{s} oil field"
    return rng.choice((s, f"Al-{s}", f"Tal {s}", f"Deir {s}", f"{s} al-Jadida"))


def place_levels(count: int) -> list[int]:
    """How many places sit at each depth of the ``within`` tree: countries first."""
    roots = max(1, min(count, max(3, count // 50)))
    regions = max(0, min(count - roots, max(roots, count // 10)))
    districts = max(0, min(count - roots - regions, count * 3 // 10))
    return [roots, regions, districts, count - roots - regions - districts]


def make_places(rng: Random, count: int, words: Zipf[str]) -> list[Entity]:
    taken: set[str] = set()
    places: list[Entity] = []
    previous: list[Entity] = []
    spread = (0.0, 3.0, 1.0, 0.3)  # degrees from the parent, per depth
    for depth, size in enumerate(place_levels(count)):
        level = []
        for _ in range(size):
            kind = (
                "country",
                rng.choice(("governorate", "province")),
                rng.choice(("district", "city")),
                rng.choice(SITE_KINDS),
            )[depth]
            name = place_name(rng, kind)
            place = Entity(unique_id(taken, slugify(name)), name, kind)
            parent = rng.choice(previous) if previous else None
            # Parents are always from the level above, so `within` can never form a cycle.
            place.within = parent.id if parent else None
            locate(rng, place, parent, spread[depth])
            if rng.random() < 0.35:
                place.aliases.append(arabic(name))
            if rng.random() < 0.1:
                place.aliases.append(name.lower().replace("al-", "el-"))
            if rng.random() < 0.15:
                place.description = sentence(rng, words, 6, 18)
            level.append(place)
        places.extend(level)
        previous = level or previous
    return places


def locate(rng: Random, place: Entity, parent: Entity | None, spread: float) -> None:
    if rng.random() < 0.08:
        return  # some places have no known coordinates
    if parent is None or parent.lat is None or parent.lon is None:
        lat, lon = rng.uniform(-40, 60), rng.uniform(-100, 140)
    else:
        lat = parent.lat + rng.uniform(-spread, spread)
        lon = parent.lon + rng.uniform(-spread, spread)
    place.lat = round(max(-89.9, min(89.9, lat)), 4)
    place.lon = round(max(-179.9, min(179.9, lon)), 4)


def make_publishers(rng: Random, count: int) -> list[tuple[str, str]]:
    """(name, domain) pairs; domains use the reserved ``.example`` top-level domain."""
    taken: set[str] = set()
    publishers = []
    for _ in range(count):
        s = stem(rng)
        name = rng.choice(
            (
                f"The {s} Times",
                f"{s} Daily",
                f"{s} Observer",
                f"Radio {s}",
                f"{s} Monitor for Human Rights",
                f"{s} Agency",
            )
        )
        domain = unique_id(taken, slugify(name)) + ".example"
        publishers.append((name, domain))
    return publishers


def make_tags(rng: Random, count: int, vocabulary: Sequence[str]) -> list[str]:
    taken: set[str] = set()
    tags = []
    for index in range(count):
        # Popular tags are single head words; rarer ones are compounds of tail words.
        if index < 150:
            base = vocabulary[index]
        else:
            base = f"{rng.choice(vocabulary[:2000])}-{rng.choice(vocabulary[:20000])}"
        tags.append(unique_id(taken, base))
    return tags


# --- text ----------------------------------------------------------------------------------


def sentence(rng: Random, words: Zipf[str], low: int, high: int) -> str:
    drawn = words.draws(rng, rng.randint(low, high))
    return " ".join(drawn).capitalize() + "."


def title_words(rng: Random, words: Zipf[str], place: Entity | None) -> list[str]:
    drawn: list[str] = words.draws(rng, rng.randint(3, 8))
    drawn[0] = drawn[0].capitalize()
    if place is not None and rng.random() < 0.5:
        drawn += ["in", *place.name.split()]
    return drawn


def summary_paragraphs(
    rng: Random,
    words: Zipf[str],
    actors: list[Entity],
    marker: str | None,
) -> list[list[str]]:
    """1–3 paragraphs as word lists; now and then a bold name, a link or a bullet list."""
    paragraphs = []
    for _ in range(rng.choice((1, 1, 2, 2, 3))):
        text: list[str] = []
        for _ in range(rng.randint(1, 4)):
            text += sentence(rng, words, 6, 20).split()
        if actors and rng.random() < 0.3:
            text += [
                "According",
                "to",
                f"**{rng.choice(actors).name}**,",
                *sentence(rng, words, 4, 10).lower().split(),
            ]
        if rng.random() < 0.05:
            text += [
                "See",
                "the",
                "[full",
                f"report](https://reports.example/r/{rng.randint(1, 10**6)}).",
            ]
        paragraphs.append(text)
    if marker is not None:
        paragraphs[-1][rng.randrange(len(paragraphs[-1]))] += f" {marker}"
    if rng.random() < 0.08:
        paragraphs.append([f"\n- {sentence(rng, words, 3, 8)}" for _ in range(rng.randint(2, 4))])
    return paragraphs


def summary_lines(paragraphs: list[list[str]]) -> list[str]:
    lines: list[str] = []
    for paragraph in paragraphs:
        if lines:
            lines.append("")
        if paragraph and paragraph[0].startswith("\n- "):  # a bullet list, one item a line
            lines += [item[1:] for item in paragraph]
        else:
            lines += wrap(" ".join(paragraph).split())
    return lines


# What a figure counts (the event format requires it), read after the unit.
COUNTS = ("detained", "displaced", "killed", "held", "released", "escaped", "transferred")


def figure_text(rng: Random) -> tuple[str, str]:
    """(the YAML flow mapping, the words a claim says it with)."""
    unit = rng.choice(UNITS)
    value = round(10 ** rng.uniform(0.5, 5))
    counts = rng.choice(COUNTS)
    if rng.random() < 0.25:
        low = value
        high = value + round(value * rng.uniform(0.1, 2)) + 1
        return (
            f"{{low: {low}, high: {high}, unit: {unit}, counts: {counts}}}",
            f"Between {low:,} and {high:,} {unit} {counts}",
        )
    qualifier = rng.choice(("exact", "at-least", "at-most", "about", None))
    words = {"exact": "", "at-least": "At least ", "at-most": "At most ", "about": "About "}
    spoken = f"{words.get(qualifier or 'exact')}{value:,} {unit} {counts}"
    if qualifier is None:
        return f"{{value: {value}, unit: {unit}, counts: {counts}}}", spoken
    return f"{{value: {value}, qualifier: {qualifier}, unit: {unit}, counts: {counts}}}", spoken


# --- events --------------------------------------------------------------------------------


@dataclass
class World:
    """Everything events draw from, built once before the first event."""

    rng: Random
    words: Zipf[str]
    actors: list[Entity]
    places: list[Entity]
    actor_pick: Zipf[Entity]
    place_pick: Zipf[Entity]
    tag_pick: Zipf[str]
    publisher_pick: Zipf[tuple[str, str]]
    ids: list[str] = field(default_factory=list)
    taken: set[str] = field(default_factory=set)

    def __post_init__(self) -> None:
        self.actor_by_id = {a.id: a for a in self.actors}


def default_entities(events: int) -> int:
    """How many actors (and places) a dataset of ``events`` has: a few thousand at most."""
    # Never more than there are events, so that every one of them can be used.
    return min(events, 5000, max(200, events // 20))


def make_world(events: int, seed: int, entities: int | None = None) -> World:
    rng = Random(seed)
    words = Zipf(build_vocabulary(), 1.0)
    entities = min(events, entities or default_entities(events))
    actors = make_actors(rng, entities, words)
    places = make_places(rng, entities, words)
    publishers = make_publishers(rng, max(20, min(1500, events // 100)))
    tags = make_tags(rng, max(50, min(3000, events // 30)), words.items)
    # Popularity is independent of creation order (and so of a place's depth in the tree).
    actor_rank, place_rank = actors[:], places[:]
    rng.shuffle(actor_rank)
    rng.shuffle(place_rank)
    return World(
        rng,
        words,
        actors,
        places,
        Zipf(actor_rank, 1.1),
        Zipf(place_rank, 1.1),
        Zipf(tags, 1.1),
        Zipf(publishers, 1.2),
    )


def pick_count(rng: Random, weights: Sequence[int]) -> int:
    return rng.choices(range(len(weights)), weights)[0]


def event_id(world: World, when: When, title: str) -> str:
    slug = slugify(title)
    base = f"{when.prefix}-{slug}"
    if len(base) > SLUG_MAX:
        base = base[:SLUG_MAX].rsplit("-", 1)[0]
    return unique_id(world.taken, base)


def sources_yaml(world: World, when: When, count: int) -> list[str]:
    rng = world.rng
    lines = ["sources:"]
    for _ in range(count):
        publisher, domain = world.publisher_pick.draw(rng)
        title = sentence(rng, world.words, 4, 12)[:-1]
        if rng.random() < 0.1:  # quoted words make the title need YAML quoting
            parts = title.split()
            at = rng.randrange(len(parts))
            parts[at] = f"'{parts[at]}'"
            title = " ".join(parts)
        published = reported_day(rng, when, 30)
        lines.append(f"  - title: {scalar(title)}")
        lines.append(f"    publisher: {scalar(publisher)}")
        if rng.random() < 0.95:
            path = f"{published.year:04d}/{published.month:02d}/{slugify(title)[:60].strip('-')}"
            url = f"https://{domain}/{path}"
            lines.append(f"    url: {url}")
            if rng.random() < 0.45:
                lines.append(f"    archived: https://web.archive.org/web/{stamp(published)}/{url}")
        else:
            lines.append("    note: Print edition; no online copy is known.")
        if rng.random() < 0.85:
            precision = weighted(rng, (("day", 8), ("month", 1), ("year", 1)))
            lines.append(f"    published: {fmt(published, precision)}")
    return lines


def claims_yaml(world: World, when: When, actors: list[str], sources: int) -> list[str]:
    rng = world.rng
    lines = ["claims:"]
    for _ in range(pick_count(rng, (0, 6, 3, 1))):
        by = rng.choice(actors)
        lines.append(f"  - by: {by}")
        if rng.random() < 0.6:
            mapping, spoken = figure_text(rng)
            text = f"{spoken} {sentence(rng, world.words, 3, 10).lower()}".strip()
            lines.append(f"    text: {scalar(text[0].upper() + text[1:])}")
            lines.append(f"    figure: {mapping}")
        else:
            lines.append(f"    text: {scalar(sentence(rng, world.words, 5, 16))}")
        lines.append(f"    source: {rng.randint(1, sources)}")
        if rng.random() < 0.2:
            lines.append(f"    date: {reported_day(rng, when, 10).isoformat()}")
    return lines


def updates_yaml(world: World, when: When, status: str) -> list[str]:
    rng = world.rng
    count = pick_count(rng, (75, 15, 7, 3))
    if not count:
        return []
    low = min(max(when.last, date(2015, 1, 1)), LATEST).toordinal()
    days = sorted({rng.randint(low, LATEST.toordinal()) for _ in range(count)})
    statuses: list[str | None] = [
        weighted(rng, STATUSES) if rng.random() < 0.5 else None for _ in days
    ]
    # The last status an update sets is the event's status now.
    statuses[max((i for i, s in enumerate(statuses) if s), default=len(days) - 1)] = status
    lines = ["updates:"]
    for day, update_status in zip(days, statuses, strict=True):
        lines.append(f"  - date: {date.fromordinal(day).isoformat()}")
        if update_status:
            lines.append(f"    status: {update_status}")
        lines.append(f"    note: {scalar(sentence(rng, world.words, 4, 14))}")
    return lines


def related_ids(world: World) -> list[str]:
    rng = world.rng
    if not world.ids or rng.random() > 0.12:
        return []
    picks = []
    for _ in range(rng.randint(1, 3)):
        # Mostly recent neighbours (a story's other events), sometimes anything earlier.
        recent = rng.random() < 0.7
        picks.append(
            world.ids[-rng.randint(1, min(100, len(world.ids)))]
            if recent
            else rng.choice(world.ids)
        )
    return unique(picks)


@dataclass(frozen=True)
class Written:
    """One generated event: its date, its id, its file's text and its prose (for counts)."""

    when: When
    id: str
    text: str
    prose: str


def coverage(items: Sequence[Entity], index: int) -> list[Entity]:
    """The entity that event ``index`` must name so that every entity is used once at least."""
    return [items[index]] if index < len(items) else []


def event(world: World, index: int, total: int) -> Written:
    rng = world.rng
    when = random_when(rng)
    actors = unique(
        a.id
        for a in coverage(world.actors, index)
        + world.actor_pick.draws(rng, pick_count(rng, (10, 25, 30, 20, 10, 5)))
    )
    place_list = coverage(world.places, index)
    place_list += world.place_pick.draws(rng, pick_count(rng, (20, 50, 20, 10)))
    places = unique(p.id for p in place_list)
    tags = unique(world.tag_pick.draws(rng, pick_count(rng, (15, 30, 30, 15, 7, 3))))
    title = " ".join(title_words(rng, world.words, place_list[0] if place_list else None))
    id_ = event_id(world, when, title)
    status = weighted(rng, STATUSES)
    sources = pick_count(rng, (0, 60, 30, 10))
    if not actors:
        actors = [world.actor_pick.draw(rng).id]  # claims need someone to make them
    named = [world.actor_by_id[actors[0]]]
    summary = summary_lines(summary_paragraphs(rng, world.words, named, marker_for(index, total)))

    lines = [f"title: {scalar(title)}", f"date: {when.edtf}", "summary: |"]
    lines += ["  " + line if line else "" for line in summary]
    if status != "reported" or rng.random() < 0.3:  # "reported" is the default
        lines.append(f"status: {status}")
    lines += yaml_list("tags", tags, "", False)
    lines += yaml_list("actors", actors, "", rng.random() < 0.2)
    lines += yaml_list("places", places, "", rng.random() < 0.2)
    if rng.random() < 0.4:
        lines += claims_yaml(world, when, actors, sources)
    lines += sources_yaml(world, when, sources)
    lines += yaml_list("related", related_ids(world), "", rng.random() < 0.3)
    lines += updates_yaml(world, when, status)
    world.ids.append(id_)
    return Written(when, id_, "\n".join(lines) + "\n", title + "\n" + "\n".join(summary))


def marker_for(index: int, total: int) -> str | None:
    if index == total // 2:
        return SINGLE_HIT_WORD
    if index % RARE_WORD_EVERY == 1:
        return RARE_WORD
    return None


def entities_yaml(entities: Iterable[Entity]) -> str:
    lines = []
    for e in entities:
        lines += [f"{e.id}:", f"  name: {scalar(e.name)}"]
        lines += yaml_list("aliases", e.aliases, "  ", False)
        lines.append(f"  kind: {e.kind}")
        if e.within:
            lines.append(f"  within: {e.within}")
        if e.lat is not None:
            lines += [f"  lat: {e.lat}", f"  lon: {e.lon}"]
        if e.description:
            lines.append(f"  description: {scalar(e.description)}")
    return "\n".join(lines) + "\n"


# --- output --------------------------------------------------------------------------------


def clear_output(out: Path) -> None:
    """Empty ``out`` if it is a dataset this script wrote; refuse to touch anything else."""
    if not out.exists():
        return
    entries = list(out.iterdir())
    ours = all(
        (e.is_file() and e.name in ("actors.yaml", "places.yaml"))
        or (e.is_dir() and re.fullmatch(r"\d{4}", e.name))
        for e in entries
    )
    if not ours:
        raise SystemExit(f"refusing to overwrite {out}: it holds files that are not a dataset")
    for entry in entries:
        if entry.is_dir():
            shutil.rmtree(entry)
        else:
            entry.unlink()


@dataclass
class Summary:
    events: int = 0
    actors: int = 0
    places: int = 0
    common: int = 0
    single: int = 0
    rare: int = 0


def generate(events: int, out: Path, seed: int = 1, entities: int | None = None) -> Summary:
    """Write the dataset into ``out`` (created, or emptied if it is an earlier dataset)."""
    clear_output(out)
    out.mkdir(parents=True, exist_ok=True)
    world = make_world(events, seed, entities)
    summary = Summary(events, len(world.actors), len(world.places))
    common = re.compile(rf"\b{COMMON_WORD}\b", re.IGNORECASE)
    made: set[str] = set()
    for index in range(events):
        written = event(world, index, events)
        folder = out / f"{written.when.first.year:04d}"
        if folder.name not in made:
            folder.mkdir(exist_ok=True)
            made.add(folder.name)
        (folder / f"{written.id}.yaml").write_text(written.text, encoding="utf-8", newline="\n")
        summary.common += bool(common.search(written.prose))
        summary.single += SINGLE_HIT_WORD in written.prose
        summary.rare += RARE_WORD in written.prose
    (out / "actors.yaml").write_text(entities_yaml(world.actors), encoding="utf-8", newline="\n")
    (out / "places.yaml").write_text(entities_yaml(world.places), encoding="utf-8", newline="\n")
    return summary


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--events", type=int, required=True, help="how many event files")
    parser.add_argument("--out", type=Path, required=True, help="the dataset folder to write")
    parser.add_argument("--seed", type=int, default=1, help="the random seed (default 1)")
    parser.add_argument(
        "--entities",
        type=int,
        help="actors (and places) to create; default min(5000, max(200, events // 20))",
    )
    args = parser.parse_args(argv)
    if args.events < 1 or (args.entities is not None and args.entities < 1):
        parser.error("--events and --entities must be at least 1")
    started = time.perf_counter()
    s = generate(args.events, args.out, args.seed, args.entities)
    elapsed = time.perf_counter() - started
    print(
        f"wrote {s.events:,} events, {s.actors:,} actors, {s.places:,} places to {args.out} "
        f"in {elapsed:.1f}s (seed {args.seed})"
    )
    print(f"common word: {COMMON_WORD!r} in {s.common:,} events (title or summary)")
    print(
        f"rare words: {SINGLE_HIT_WORD!r} in {s.single:,} event(s), "
        f"{RARE_WORD!r} in {s.rare:,} event(s)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
