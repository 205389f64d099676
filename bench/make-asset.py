#!/usr/bin/env python3
"""make-asset.py SRC OUT: the benchmark's 12 KB static asset (bench/run.sh, issue "motcua runs").

Whole rules from the start of SRC (the site's stylesheet), cut after the last rule that ends
before 12,288 bytes, padded by a comment to exactly 12,288 bytes.
"""
import sys

SIZE = 12288
head = ("/* the 12,288-byte static asset `make bench` measures motcua and nginx with: whole rules\n"
        "   from static/site.css, padded by a comment; built into the benchmark's binary only. */\n")
lines = open(sys.argv[1], encoding="utf-8").read().split("\n")
out = head
for line in lines[1:]:
    if len((out + line + "\n").encode()) > SIZE - 40:
        break
    out += line + "\n"
while not out.rstrip("\n").endswith("}"):
    out = out[:out.rstrip("\n").rfind("\n") + 1]
pad = SIZE - len(out.encode()) - len("/*  */\n")
out += "/* " + "-" * pad + " */\n"
assert len(out.encode()) == SIZE
open(sys.argv[2], "w", encoding="utf-8").write(out)
