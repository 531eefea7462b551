"""Checks byline's output on the seed article in ../shared/seed (not in the repo).

The seed lost all its quotation marks in conversion; byline must still find its direct
quotes and attribute them, and normalise its relative dates against the 2021-08-03 header.
Reads one JSON line (from `byline annotate`) on stdin; exits 1 with the reasons on failure.
"""
import json
import sys

article = json.loads(sys.stdin.readline())
problems = []

if article.get("published") != "2021-08-03":
    problems.append(f"published is {article.get('published')!r}, not 2021-08-03")

direct_speakers = {q["speaker"]["name"] for q in article["quotes"]
                   if q["kind"] == "direct" and q["speaker"]}
for name in ["Zalmay Khalilzad", "Ashraf Ghani", "Roya Rahmani"]:
    if name not in direct_speakers:
        problems.append(f"no direct quote attributed to {name} (got {sorted(direct_speakers)})")

khalilzad_direct = [q for q in article["quotes"] if q["kind"] == "direct"
                    and q["speaker"] and q["speaker"]["name"] == "Zalmay Khalilzad"]
if len(khalilzad_direct) < 2:
    problems.append(f"expected 2 mark-less direct quotes by Khalilzad, got {len(khalilzad_direct)}")

values = {t["value"] for t in article["timexes"]}
for value in ["2021-08-03", "2021-08-03TMO", "2021-08-31", "2021-W30", "2021-W31", "P3D"]:
    if value not in values:
        problems.append(f"no timex with value {value} (got {sorted(values)})")

names = {e["name"] for e in article["entities"]}
for name in ["Zalmay Khalilzad", "Antony Blinken", "Ashraf Ghani", "Kenneth McKenzie",
             "Roya Rahmani", "Doha", "Kandahar", "United Nations"]:
    if name not in names:
        problems.append(f"entity {name} not found")

if problems:
    print("seed check failed:\n  " + "\n  ".join(problems))
    sys.exit(1)
print(f"seed check ok: {len(article['entities'])} entities, {len(article['timexes'])} timexes, "
      f"{len(article['quotes'])} quotes ({len(khalilzad_direct)} direct by Khalilzad)")
