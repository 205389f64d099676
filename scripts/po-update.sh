#!/bin/sh
# Refresh po/vi.po and po/en.po from the message ids in src/ and templates/:
# new ids are added untranslated, translations of existing ids are kept.
set -eu
cd "$(dirname "$0")/.."
tmp=$(mktemp)
trap 'rm -f "$tmp"' EXIT
{
	printf 'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n\n'
	python3 scripts/po-extract.py . | while IFS= read -r id; do
		esc=$(printf '%s' "$id" | sed 's/\\/\\\\/g; s/"/\\"/g')
		printf 'msgid "%s"\nmsgstr ""\n\n' "$esc"
	done
} >"$tmp"
for po in po/vi.po po/en.po; do
	msgmerge --quiet --no-fuzzy-matching --no-wrap --sort-output -U "$po" "$tmp"
	rm -f "$po~"
done
echo "updated po/vi.po and po/en.po; translate the empty msgstr entries of po/vi.po"
