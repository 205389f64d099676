#!/bin/sh
# t0013-openapi: docs/openapi.yaml describes the JSON API the route table serves.
#   - every route of src/web/app.c under /api/ is a path of the YAML with each of
#     its methods (one TAP line per route);
#   - every path of the YAML is in the route table, with only methods it has (one
#     TAP line per path);
#   - the YAML holds together: no tabs, even indentation, no key twice in a
#     mapping, no flow mapping split by a comma in a plain scalar, no text after
#     a closing quote, and every $ref names a component that exists.
# Python 3 without extra modules: the YAML is read by its indentation (paths are
# "  /…:", their methods "    get:"), not by a YAML library.
# OPENAPI_YAML and ROUTES_C name other files (to try the check on a copy).
root=$(cd "$(dirname "$0")/.." && pwd)
yaml=${OPENAPI_YAML:-$root/docs/openapi.yaml}
routes=${ROUTES_C:-$root/src/web/app.c}
exec python3 - "$yaml" "$routes" <<'EOF'
import re
import sys

yaml_path, routes_path = sys.argv[1], sys.argv[2]
METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")
results = []  # (ok, name, [diagnostics])


def check(ok, name, why=()):
    results.append((ok, name, list(why)))


# ---- the route table ----
with open(routes_path, encoding="utf-8") as f:
    src = f.read()
m = re.search(r"app_routes\[\]\s*=\s*\{(.*?)\n\};", src, re.S)
if not m:
    print("1..1")
    print("not ok 1 - the route table app_routes[] is in %s" % routes_path)
    sys.exit(1)
table = re.sub(r"/\*.*?\*/", " ", m.group(1), flags=re.S)
routes = []  # (methods, path) in table order, an entry may span lines
for methods, path in re.findall(r"\{\s*(HTTP_[A-Z]+(?:\s*\|\s*HTTP_[A-Z]+)*)\s*,\s*\"([^\"]*)\"", table):
    names = [x.strip()[len("HTTP_"):].lower() for x in methods.split("|")]
    routes.append((names, path))
table_methods = {}
for names, path in routes:
    table_methods.setdefault(path, set()).update(names)

# ---- the YAML: paths and their methods, by indentation ----
with open(yaml_path, encoding="utf-8") as f:
    lines = f.read().split("\n")


def indent_of(line):
    return len(line) - len(line.lstrip(" "))


def is_blank_or_comment(line):
    s = line.strip()
    return not s or s.startswith("#")


doc_paths = {}  # path -> [methods]
doc_order = []
doc_dups = {}  # path -> [problems]
in_paths = False
current = None
for n, line in enumerate(lines, 1):
    if is_blank_or_comment(line):
        continue
    ind = indent_of(line)
    if ind == 0:
        in_paths = line.rstrip() == "paths:"
        current = None
        continue
    if not in_paths:
        continue
    if ind == 2:
        pm = re.match(r"^  (['\"]?)(/[^'\"]*)\1:\s*$", line)
        if not pm:
            check(False, "line %d under paths: is a path" % n, ["line: %s" % line.strip()])
            current = None
            continue
        current = pm.group(2)
        if current in doc_paths:
            doc_dups.setdefault(current, []).append("the path is there twice (line %d)" % n)
        else:
            doc_paths[current] = []
            doc_order.append(current)
    elif ind == 4 and current is not None:
        km = re.match(r"^    ([a-z]+):", line)
        if km and km.group(1) in METHODS:
            if km.group(1) in doc_paths[current]:
                doc_dups.setdefault(current, []).append("%s: twice (line %d)" % (km.group(1), n))
            doc_paths[current].append(km.group(1))

# ---- each route under /api/ is documented with each of its methods ----
for names, path in routes:
    if not path.startswith("/api/"):
        continue
    label = "%s %s is in docs/openapi.yaml" % ("|".join(x.upper() for x in names), path)
    if path not in doc_paths:
        check(False, label, ["no path %s: under paths:" % path])
        continue
    missing = [x for x in names if x not in doc_paths[path]]
    check(not missing, label, ["no %s: under %s" % (x, path) for x in missing])

# ---- each documented path is served, with those methods ----
for path in doc_order:
    label = "docs path %s (%s) is in the route table" % (path, ", ".join(doc_paths[path]) or "no method")
    why = list(doc_dups.get(path, []))
    if path not in table_methods:
        why.append("no route %s in %s" % (path, routes_path))
    else:
        served = set(table_methods[path])
        if "get" in served:
            served.add("head")  # the server answers HEAD for every GET
        why += ["the route table has no %s for it" % x.upper() for x in doc_paths[path] if x not in served]
        if not doc_paths[path]:
            why.append("no method under it")
    check(not why, label, why)

# ---- the YAML holds together ----
why = []
block = None  # indentation of the key that opened a block scalar
keys = {}  # indentation -> keys seen in the mapping open at that indentation
for n, line in enumerate(lines, 1):
    if "\t" in line[: indent_of(line) + 1] and line.strip():
        why.append("line %d: a tab in the indentation" % n)
        continue
    if is_blank_or_comment(line):
        continue
    ind = indent_of(line)
    if block is not None:
        if ind > block:
            continue  # the text of a block scalar
        block = None
    if ind % 2:
        why.append("line %d: indented by %d spaces (not a multiple of 2)" % (n, ind))
    for k in [k for k in keys if k > ind]:
        del keys[k]
    body = line.strip()
    if body.startswith("- "):
        # an item of a sequence: a mapping inside it starts afresh
        for k in [k for k in keys if k >= ind]:
            del keys[k]
        body = body[2:]
        ind += 2
    km = re.match(r"^(\"[^\"]*\"|'[^']*'|[^\s'\"{\[#][^:#]*?):(\s|$)", body)
    if km:
        key = km.group(1)
        seen = keys.setdefault(ind, set())
        if key in seen:
            why.append("line %d: the key %s twice in one mapping" % (n, key))
        seen.add(key)
        rest = body[km.end():].strip()
        if re.match(r"^[|>][+-]?\d*\s*(#.*)?$", rest):
            block = ind
check(not why, "docs/openapi.yaml: no tabs, even indentation, no key twice", why)


def flow_problems(text):
    """The items of the flow mappings in `text` (a flow value on one line) that are not "key: value"."""
    out = []
    n = len(text)

    def skip_quoted(i):
        q = text[i]
        i += 1
        while i < n:
            if text[i] == q:
                if q == "'" and i + 1 < n and text[i + 1] == "'":
                    i += 2
                    continue
                return i + 1
            if q == '"' and text[i] == "\\":
                i += 1
            i += 1
        return n

    def parse(i, close):
        # from after "{" or "[" to after its closer; a quote opens a scalar only at its start
        items, start, scalar_start = [], i, True
        while i < n:
            c = text[i]
            if c in "'\"" and scalar_start:
                q = i
                i = skip_quoted(i)
                after = text[i:].lstrip(" ")
                if after[:1] not in ("", ",", "}", "]", ":"):
                    out.append("text after the closing quote of %s" % text[q:i])
                scalar_start = False
                continue
            if c in "{[" and scalar_start:
                i = parse(i + 1, "}" if c == "{" else "]")
                scalar_start = False
                continue
            if c == close or c == ",":
                items.append(text[start:i].strip())
                start = i + 1
                scalar_start = True
                i += 1
                if c == close:
                    break
                continue
            if c == ":" and (i + 1 == n or text[i + 1] == " "):
                scalar_start = True
            elif c != " ":
                scalar_start = False
            i += 1
        if close == "}":
            for it in items:
                if it and not re.match(r"^(\"[^\"]*\"|'[^']*'|[^:]+?):(\s|$)", it):
                    out.append("%r is not \"key: value\" (a comma in a plain scalar? quote it)" % it)
        return i

    if text[:1] in ("{", "["):
        parse(1, "}" if text[0] == "{" else "]")
    return out


def flow_quoted_end(text):
    """The index after the quoted scalar that starts `text`, None when it does not end on this line."""
    q, i, n = text[0], 1, len(text)
    while i < n:
        if text[i] == q:
            if q == "'" and i + 1 < n and text[i + 1] == "'":
                i += 2
                continue
            return i + 1
        if q == '"' and text[i] == "\\":
            i += 1
        i += 1
    return None


why = []
block = None
for n, line in enumerate(lines, 1):
    if is_blank_or_comment(line):
        continue
    ind = indent_of(line)
    if block is not None and ind > block:
        continue
    block = None
    body = line.strip()
    if body.startswith("- "):
        body = body[2:].lstrip()
        ind += 2
    km = re.match(r"^(\"[^\"]*\"|'[^']*'|[^\s'\"{\[#][^:#]*?):(\s|$)", body)
    value = body[km.end():].strip() if km else body
    if re.match(r"^[|>][+-]?\d*\s*(#.*)?$", value):
        block = ind
        continue
    if value[:1] in ("'", '"'):
        end = flow_quoted_end(value)
        if end is not None and value[end:].strip() and not value[end:].lstrip().startswith("#"):
            why.append("line %d: text after the closing quote of %s" % (n, value[:end]))
        continue
    for problem in flow_problems(value):
        why.append("line %d: %s" % (n, problem))
check(not why, "docs/openapi.yaml: flow mappings are all key: value, quoted scalars end cleanly", why)

why = []
defined = {}
section = None
in_components = False
for line in lines:
    if is_blank_or_comment(line):
        continue
    ind = indent_of(line)
    if ind == 0:
        in_components = line.rstrip() == "components:"
    elif in_components and ind == 2:
        section = line.strip().rstrip(":")
    elif in_components and ind == 4 and section:
        km = re.match(r"^    ([A-Za-z0-9_.-]+):", line)
        if km:
            defined.setdefault(section, set()).add(km.group(1))
for n, line in enumerate(lines, 1):
    for kind, name in re.findall(r"\$ref:\s*['\"]?#/components/([A-Za-z]+)/([A-Za-z0-9_.-]+)", line):
        if name not in defined.get(kind, set()):
            why.append("line %d: $ref to #/components/%s/%s, which is not there" % (n, kind, name))
check(not why, "docs/openapi.yaml: every $ref names a component", why)

print("1..%d" % len(results))
failed = 0
for i, (ok, name, diag) in enumerate(results, 1):
    print("%s %d - %s" % ("ok" if ok else "not ok", i, name))
    for d in diag:
        print("# " + d)
    failed += not ok
sys.exit(1 if failed else 0)
EOF
