"""Writes the hostile-input benchmark articles: one JSON Lines file per kind and size.

Synthetic text only (templates and fixed word lists), so that nothing from a corpus is
copied. Usage: python3 gen.py OUT_DIR [SIZE ...]   (sizes in bytes; default 100k 400k 1.6M)
"""

import json
import random
import sys

FIRST = ["Maria", "John", "Aisha", "Pedro", "Lena", "Tom", "Yuki", "Omar", "Sara", "Ivan"]
LAST = ["Khalid", "Moreno", "Brandt", "Okafor", "Lindqvist", "Tanaka", "Haddad", "Novak"]
ORGS = ["the Finance Ministry", "Northwind Bank", "the City Council", "Atlas Energy"]
PLACES = ["Lisbon", "Nairobi", "Oslo", "Quito", "Manila", "Denver", "Cairo", "Leeds"]
WHEN = ["Monday", "Tuesday", "last week", "on March 3", "next year", "two days ago"]


def fill(size, unit):
    out, total = [], 0
    while total < size:
        piece = unit()
        out.append(piece)
        total += len(piece.encode()) + 1
    return " ".join(out)


def sentence():
    name = f"{random.choice(FIRST)} {random.choice(LAST)}"
    return random.choice([
        f"“We will not accept a deal that leaves {random.choice(PLACES)} behind,” {name} said {random.choice(WHEN)}.",
        f"{name}, a spokesperson for {random.choice(ORGS)}, said {random.choice(WHEN)} that talks in {random.choice(PLACES)} would resume.",
        f"The vote in {random.choice(PLACES)} was delayed until {random.choice(WHEN)}, according to {random.choice(ORGS)}.",
        f"Shares of {random.choice(ORGS)} fell 3.2% {random.choice(WHEN)} after the report.",
        f"“It is too early,” said {name}. “We need more time.”\n\n",
    ])


def given_name():
    return "".join(random.choice("bcdfghklmnprst") + random.choice("aeiou") for _ in range(3)).capitalize()


KINDS = {
    "realistic": lambda n: fill(n, sentence),
    "giant-token": lambda n: "a" * n,
    "no-punctuation": lambda n: fill(n, lambda: random.choice(["the", "talks", "resumed", "in", "city", "vote"])),
    "capitalised": lambda n: fill(n, lambda: random.choice(FIRST + LAST + PLACES)),
    "namesakes": lambda n: fill(n, lambda: f"Mr {given_name()} Khalid said on Tuesday. Khalid left."),
    "dates": lambda n: fill(n, lambda: random.choice(WHEN + ["2021", "the third quarter"]) + " and"),
    "nested-marks": lambda n: "“He said ‘" * (n // 30) + " ok " + "’ ”" * (n // 30),
    "cues": lambda n: fill(n, lambda: f"{random.choice(FIRST)} said that {random.choice(LAST)} told"),
}


def main():
    out_dir = sys.argv[1]
    sizes = [int(s) for s in sys.argv[2:]] or [100_000, 400_000, 1_600_000]
    for kind, make in KINDS.items():
        for size in sizes:
            random.seed(7)
            text = make(size)
            path = f"{out_dir}/{kind}-{size}.jsonl"
            with open(path, "w", encoding="utf-8") as f:
                f.write(json.dumps({"id": f"{kind}-{size}", "published": "2021-08-03", "text": text}, ensure_ascii=False) + "\n")


if __name__ == "__main__":
    main()
