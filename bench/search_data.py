"""The marketplace search benchmark's data (issue 17): 200,000 generated products over 500 stores,
the query mix, and a small labelled set (bench/search_engines.py).

Everything is drawn from a seeded `random.Random`, so every engine, in its own process, sees the
same products and the same queries. Names are English, from word lists: a brand, sometimes an
adjective, the product type (the subcategory), one or two attributes, e.g. "Kelvora Professional
Solenoid Valve DN25 IP67". Codes come in four shapes: 157B2210, HC-M10, ABX40012, 35-120-04.
"""

from __future__ import annotations

import random
from collections import Counter
from dataclasses import dataclass

# industry -> area -> category -> subcategories (each subcategory is a product type).
TREE: dict[str, dict[str, dict[str, list[str]]]] = {
    "Industrial": {
        "Automation": {
            "Sensors": ["Inductive Sensor", "Photoelectric Sensor", "Pressure Transmitter",
                        "Temperature Probe", "Level Switch"],
            "Drives": ["Frequency Converter", "Servo Motor", "Gearbox", "Soft Starter"],
        },
        "Hydraulics": {
            "Valves": ["Solenoid Valve", "Ball Valve", "Check Valve", "Pressure Regulator"],
            "Pumps": ["Gear Pump", "Piston Pump", "Hand Pump", "Diaphragm Pump"],
        },
    },
    "Electrical": {
        "Installation": {
            "Cables": ["Power Cable", "Control Cable", "Coaxial Cable", "Cable Gland"],
            "Switchgear": ["Circuit Breaker", "Contactor", "Thermostat", "Residual Current Device"],
        },
        "Lighting": {
            "Indoor": ["Ceiling Lamp", "Downlight", "Spotlight", "Emergency Luminaire"],
            "Outdoor": ["Floodlight", "Bollard Light", "Wall Lantern"],
        },
    },
    "Construction": {
        "Tools": {
            "Power Tools": ["Cordless Drill", "Angle Grinder", "Circular Saw", "Impact Driver"],
            "Hand Tools": ["Screwdriver Set", "Spirit Level", "Claw Hammer", "Torque Wrench"],
        },
        "Materials": {
            "Fasteners": ["Anchor Bolt", "Hex Screw", "Threaded Rod", "Wall Plug"],
            "Insulation": ["Mineral Wool", "Foam Board", "Vapour Barrier"],
        },
    },
    "Home": {
        "Kitchen": {
            "Cookware": ["Frying Pan", "Saucepan", "Stockpot", "Dutch Oven"],
            "Appliances": ["Coffee Grinder", "Kettle", "Blender", "Toaster"],
        },
        "Furniture": {
            "Seating": ["Office Chair", "Armchair", "Bar Stool"],
            "Storage": ["Bookcase", "Wardrobe", "Shoe Cabinet"],
        },
    },
    "Office": {
        "Computing": {
            "Peripherals": ["Keyboard", "Wireless Mouse", "Monitor Arm", "Docking Station"],
            "Networking": ["Network Switch", "Router", "Access Point", "Patch Panel"],
        },
        "Supplies": {
            "Paper": ["Copy Paper", "Notebook", "Envelope"],
            "Writing": ["Ballpoint Pen", "Highlighter", "Whiteboard Marker"],
        },
    },
    "Agriculture": {
        "Irrigation": {
            "Watering": ["Drip Emitter", "Sprinkler", "Garden Hose"],
            "Controllers": ["Irrigation Controller", "Rain Sensor", "Flow Meter"],
        },
        "Machinery": {"Parts": ["Tractor Filter", "Drive Belt", "Bearing Unit"]},
    },
}  # fmt: skip
ADJECTIVES = ["Compact", "Industrial", "Professional", "Heavy Duty", "Smart", "Digital", "Premium",
              "Standard", "Eco", "Stainless", "Waterproof", "Adjustable", "Universal"]  # fmt: skip
ATTRIBUTES = ["M12", "M18", "24V", "230V", "IP65", "IP67", "DN25", "DN50", "500W", "1200W", "10m",
              "50m", "Black", "White", "Grey", "Red", "Blue", "Steel", "Brass", "Aluminium",
              "Set of 4", "2-Pack", "XL", "Mini", "Pro"]  # fmt: skip
TAGS = ["sale", "new", "bestseller", "eco", "outdoor", "indoor", "professional", "diy", "atex",
        "spare", "kit", "bulk", "certified", "refurbished", "imported", "local", "express",
        "wholesale", "warranty", "clearance", "premium", "energysaving", "heavyduty", "compact",
        "wireless", "smart", "stainless", "waterproof", "lowvoltage", "handmade"]  # fmt: skip
SYLLABLES = ["ka", "vel", "or", "mar", "tek", "lin", "dro", "sa", "vi", "ron", "bel", "ex", "no",
             "tra", "zen", "qu", "al", "fer", "gon", "ix", "lu", "mo", "pra", "sto", "tor"]  # fmt: skip
PRICE_RANGES = [(0.0, 10.0), (10.0, 50.0), (50.0, 100.0), (100.0, 500.0), (500.0, float("inf"))]


@dataclass(frozen=True)
class Product:
    id: int
    store: int
    name: str
    code: str
    tags: tuple[str, ...]
    industry: str
    area: str
    category: str
    subcategory: str
    price: float
    in_stock: bool


def leaves() -> list[tuple[str, str, str, str]]:
    return [
        (industry, area, category, sub)
        for industry, areas in TREE.items()
        for area, categories in areas.items()
        for category, subs in categories.items()
        for sub in subs
    ]


def brands(rnd: random.Random, n: int = 240) -> list[str]:
    out: set[str] = set()
    while len(out) < n:
        out.add("".join(rnd.choice(SYLLABLES) for _ in range(rnd.randrange(2, 4))).capitalize())
    return sorted(out)


def make_code(rnd: random.Random) -> str:
    letters = "ABCDEFGHKLMNPRSTVXZ"
    shape = rnd.randrange(4)
    if shape == 0:  # 157B2210
        return f"{rnd.randrange(100, 1000)}{rnd.choice(letters)}{rnd.randrange(10000):04d}"
    if shape == 1:  # HC-M10
        two = "".join(rnd.choice(letters) for _ in range(2))
        return f"{two}-{rnd.choice(letters)}{rnd.randrange(10, 1000)}"
    if shape == 2:  # ABX40012
        return "".join(rnd.choice(letters) for _ in range(3)) + f"{rnd.randrange(100000):05d}"
    return f"{rnd.randrange(10, 100)}-{rnd.randrange(1000):03d}-{rnd.randrange(100):02d}"


def catalogue(n: int = 200_000, stores: int = 500, seed: int = 17) -> list[Product]:
    rnd = random.Random(seed)
    tree = leaves()
    brand_list = brands(rnd)
    codes: set[str] = set()
    out = []
    for i in range(n):
        industry, area, category, sub = rnd.choice(tree)
        parts = [rnd.choice(brand_list)]
        if rnd.random() < 0.6:
            parts.append(rnd.choice(ADJECTIVES))
        parts.append(sub)
        parts += rnd.sample(ATTRIBUTES, rnd.randrange(1, 3))
        code = make_code(rnd)
        while code in codes:
            code = make_code(rnd)
        codes.add(code)
        out.append(
            Product(
                id=i + 1,
                store=int(stores * rnd.random() ** 2),  # a few large stores, many small
                name=" ".join(parts),
                code=code,
                tags=tuple(rnd.sample(TAGS, rnd.randrange(2, 5))),
                industry=industry,
                area=area,
                category=category,
                subcategory=sub,
                price=round(rnd.lognormvariate(3.8, 1.3), 2),
                in_stock=rnd.random() < 0.8,
            )
        )
    return out


def price_range(price: float) -> str:
    for lo, hi in PRICE_RANGES:
        if lo <= price < hi:
            return f"{lo:g}-{hi:g}"
    return "?"


# ---- queries -------------------------------------------------------------------------------


def typo(rnd: random.Random, word: str, edits: int) -> str:
    """`word` with `edits` edits (substitute, delete, insert, swap of neighbours), never its
    first letter, exactly `edits` away (edits that overlap or undo each other are drawn again)
    and still long enough for that many (the rule counts the letters typed: a deletion that
    takes a 9-letter word to 8 leaves it one typo)."""
    while True:
        out = _edit(rnd, word, edits)
        if edit_distance(word, out, edits) == edits and len(out) >= (9 if edits == 2 else 5):
            return out


def _edit(rnd: random.Random, word: str, edits: int) -> str:
    w = list(word)
    for _ in range(edits):
        i = rnd.randrange(1, len(w) - 1)
        op = rnd.randrange(4)
        if op == 0:
            w[i] = rnd.choice([c for c in "aeioursnt" if c != w[i]])
        elif op == 1:
            del w[i]
        elif op == 2:
            w.insert(i, rnd.choice("aeioursnt"))
        else:
            w[i], w[i + 1] = w[i + 1], w[i]
    return "".join(w)


def part(rnd: random.Random, word: str, inner: bool) -> str:
    """A prefix (inner=False) or an inner part of 3+ characters, never the whole word."""
    k = rnd.randrange(3, len(word))
    start = rnd.randrange(1, len(word) - k + 1) if inner else 0
    return word[start : start + k]


def queries(items: list[Product], n: int = 364, seed: int = 18) -> list[tuple[str, str]]:
    """(kind, query): 13 kinds in turn, 1 to 3 words."""
    rnd = random.Random(seed)

    def product() -> Product:
        return rnd.choice(items)

    def words(min_len: int = 1) -> list[str]:
        return [w for w in product().name.split() if len(w) >= min_len] or ["sensor"]

    def long_word(min_len: int) -> str:
        while True:
            ws = [w for w in words() if len(w) >= min_len and w.isalpha()]
            if ws:
                return rnd.choice(ws).lower()

    def code_inner() -> str:
        code = product().code
        return code[rnd.randrange(1, len(code) - 3) :][:4]

    kinds = {
        "1 word": lambda: rnd.choice(words(3)).lower(),
        "2 words": lambda: " ".join(rnd.sample(words(3), 2)).lower(),
        "3 words": lambda: " ".join(rnd.sample(words(2), 3)).lower(),
        "prefix": lambda: part(rnd, long_word(5), inner=False),
        "inner part": lambda: part(rnd, long_word(6), inner=True),
        "code": lambda: product().code,
        "inner code part": code_inner,
        "code prefix": lambda: product().code[: rnd.randrange(3, 6)],
        "tag and word": lambda: f"{rnd.choice(TAGS)} {long_word(4)}",
        "1 typo (5+)": lambda: typo(rnd, long_word(5), 1),
        "2 typos (9+)": lambda: typo(rnd, long_word(9), 2),
        "word and code part": lambda: f"{long_word(4)} {code_inner()}",
        "no match": lambda: rnd.choice(["zebrafish", "qwxz", "999Z9999", "purple unicorn"]),
    }
    names = list(kinds)
    return [(names[i % len(names)], kinds[names[i % len(names)]]()) for i in range(n)]


def labelled(items: list[Product], per_kind: int = 12, seed: int = 19) -> list[dict[str, object]]:
    """Queries with the one product they must (or, for a typo in a code, must not) find in the
    first 20. Each pairs the product's brand with the part under test, drawn so that the right
    answer has at most 10 products and "in the first 20" tests the matching, not the
    tie-breaking: the brand and the product-type word are contained in no other word of any
    name or tag (and the type word is in no other type), brand and type together have at most 10 products, and a part of a word is
    contained in no other word either."""
    rnd = random.Random(seed)
    vocab = {w for p in items for w in f"{p.name} {' '.join(p.tags)}".lower().split()}

    def unique(part: str, word: str) -> bool:
        return not any(part in v for v in vocab if v != word)

    pairs = Counter((p.name.split()[0], p.subcategory) for p in items)
    pool = [p for p in items if pairs[(p.name.split()[0], p.subcategory)] <= 10
            and unique(p.name.split()[0].lower(), p.name.split()[0].lower())]  # fmt: skip

    types = Counter(w for sub in {p.subcategory for p in items} for w in sub.lower().split())

    def type_word(p: Product, min_len: int) -> str | None:
        """A word of the product type found in no other type ("sensor" is in three)."""
        ws = [w for w in p.subcategory.lower().split()
              if len(w) >= min_len and types[w] == 1 and unique(w, w)]  # fmt: skip
        return rnd.choice(ws) if ws else None

    def unique_part(word: str, inner: bool) -> str | None:
        parts = [word[i : i + k] for k in range(3, len(word)) for i in range(len(word) - k + 1)
                 if (i > 0) == inner and unique(word[i : i + k], word)]  # fmt: skip
        return rnd.choice(parts) if parts else None

    out: list[dict[str, object]] = []
    kinds = ["code", "inner code part", "code prefix", "prefixes", "inner part", "1 typo (5+)",
             "2 typos (9+)", "typo in a code (must not match)"]  # fmt: skip
    for kind in kinds:
        made = 0
        while made < per_kind:
            p = rnd.choice(pool)
            brand, code = p.name.split()[0].lower(), p.code
            word = type_word(p, 9 if kind.startswith("2 typos") else 6)
            if word is None:
                continue
            if kind == "code":
                q: str | None = code
            elif kind == "inner code part":
                q = f"{brand} {code[1:][-5:]}"
            elif kind == "code prefix":
                q = f"{brand} {code[:4]}"
            elif kind == "prefixes":
                a, b = unique_part(brand, False), unique_part(word, False)
                q = f"{a} {b}" if a and b else None
            elif kind == "inner part":
                b = unique_part(word, True)
                q = f"{brand} {b}" if b else None
            elif kind == "1 typo (5+)":
                q = f"{brand} {typo(rnd, word, 1)}"
            elif kind == "2 typos (9+)":
                q = f"{brand} {typo(rnd, word, 2)}"
            else:
                i = rnd.randrange(1, len(code))
                swap = "7" if code[i].isdigit() and code[i] != "7" else "3"
                q = code[:i] + (swap if code[i].isalnum() else code[i]) + code[i + 1 :]
                q = None if q == code else q
            if q is None:
                continue
            out.append(
                {"kind": kind, "query": q, "id": p.id, "expect": not kind.startswith("typo")}
            )
            made += 1
    return out


def edit_distance(a: str, b: str, limit: int) -> int:
    """Levenshtein distance with adjacent swaps counted as one (like tantivy's
    transposition_cost_one), giving up above `limit`."""
    prev2: list[int] = []
    prev = list(range(len(b) + 1))
    for i in range(1, len(a) + 1):
        cur = [i] + [0] * len(b)
        for j in range(1, len(b) + 1):
            cost = a[i - 1] != b[j - 1]
            cur[j] = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost)
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                cur[j] = min(cur[j], prev2[j - 2] + 1)
        if min(cur) > limit:
            return limit + 1
        prev2, prev = prev, cur
    return prev[-1]
