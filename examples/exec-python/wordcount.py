#!/usr/bin/env python3
"""A byline exec stage in plain Python: word count and reading time.

For every article it adds `meta.word_count` and `meta.reading_time_minutes`. It speaks the
byline-exec protocol, version 1 (see crates/byline-exec/PROTOCOL.md): one JSON object per
line on stdin and stdout. Standard library only.

Settings come from the stage's `config` table in the pipeline file:

    mode              "annotate" (default) or "noop", which sends every article back
                      unchanged: it measures what the protocol itself costs.
    words_per_minute  reading speed for reading_time_minutes (default 230).
    min_words         articles with fewer words are dropped (default 0: keep all).

Anything written to stderr ends up in byline's log as a warning, tagged with the stage id,
so it writes there only what an operator should read. Never print() to stdout: stdout
carries the protocol.
"""

import json
import re
import sys
import traceback

PROTOCOL = "byline-exec"
VERSION = 1
WORD = re.compile(r"\w+(?:[-'’]\w+)*")


def send(message):
    sys.stdout.write(json.dumps(message, ensure_ascii=False))
    sys.stdout.write("\n")
    # Without a flush byline waits for an answer that sits in Python's buffer.
    sys.stdout.flush()


def log(text):
    sys.stderr.write(text + "\n")
    sys.stderr.flush()


def read_handshake():
    line = sys.stdin.readline()
    if not line:
        sys.exit(0)
    hello = json.loads(line)
    if hello.get("protocol") != PROTOCOL or hello.get("version") != VERSION:
        log(f"wordcount: unsupported protocol {hello.get('protocol')!r} {hello.get('version')!r}")
        sys.exit(2)
    return hello.get("stage", "?"), hello.get("config") or {}


def settings(config):
    """The settings from the stage's `config` table, or exits with the reason."""
    try:
        mode = config.get("mode", "annotate")
        words_per_minute = float(config.get("words_per_minute", 230))
        min_words = int(config.get("min_words", 0))
        unknown = set(config) - {"mode", "words_per_minute", "min_words"}
        if mode not in ("annotate", "noop"):
            raise ValueError(f"mode must be \"annotate\" or \"noop\", not {mode!r}")
        if words_per_minute <= 0:
            raise ValueError("words_per_minute must be positive")
        if unknown:
            raise ValueError(f"unknown keys {sorted(unknown)}")
    except (TypeError, ValueError) as error:
        # Exiting before the handshake answer makes byline refuse to start, with this
        # message quoted: a config mistake is found before any article is read.
        log(f"wordcount: bad config: {error}")
        sys.exit(2)
    return mode, words_per_minute, min_words


def annotate(article, words_per_minute, min_words):
    """Returns the answer for one article: the article with its counts, or a drop."""
    words = len(WORD.findall(article["text"]))
    if words < min_words:
        return {"drop": True}
    meta = article.setdefault("meta", {})
    meta["word_count"] = words
    meta["reading_time_minutes"] = round(words / words_per_minute, 1)
    return {"article": article}


def main():
    for stream in (sys.stdin, sys.stdout):
        stream.reconfigure(encoding="utf-8")
    stage, config = read_handshake()
    mode, words_per_minute, min_words = settings(config)
    send({"protocol": PROTOCOL, "version": VERSION, "name": "wordcount"})

    for line in sys.stdin:
        request = json.loads(line)
        request_id = request["id"]
        try:
            if mode == "noop":
                answer = {"article": request["article"]}
            else:
                answer = annotate(request["article"], words_per_minute, min_words)
        except Exception as error:  # one bad article must not stop the stage
            log(traceback.format_exc())
            answer = {"error": f"wordcount: {type(error).__name__}: {error}"}
        answer["id"] = request_id
        send(answer)


if __name__ == "__main__":
    main()
