#!/usr/bin/env python3
"""List every translatable message id: _("…") and N_("…") in src/, {{#_}}…{{/_}} in templates/.

usage: po-extract.py [ROOT]   prints one msgid per line, sorted and unique.
scripts/po-update.sh uses it to refresh po/*.po; tests/unit/test_i18n.c checks
that each id has a Vietnamese translation.
"""
import os
import re
import sys

C_RE = re.compile(r'\bN?_\(\s*"((?:[^"\\]|\\.)*)"\s*\)')
T_RE = re.compile(r'\{\{#_\}\}(.*?)\{\{/_\}\}', re.S)


def main():
    root = sys.argv[1] if len(sys.argv) > 1 else "."
    ids = set()
    for sub, rx in (("src", C_RE), ("templates", T_RE)):
        for dirpath, _, files in os.walk(os.path.join(root, sub)):
            for f in files:
                if not f.endswith((".c", ".h", ".mustache")):
                    continue
                with open(os.path.join(dirpath, f), encoding="utf-8") as fh:
                    text = fh.read()
                for m in rx.finditer(text):
                    s = m.group(1)
                    if sub == "src":
                        s = bytes(s, "utf-8").decode("unicode_escape").encode("latin-1").decode("utf-8")
                    if s:
                        ids.add(s)
    for s in sorted(ids):
        print(s)


if __name__ == "__main__":
    main()
