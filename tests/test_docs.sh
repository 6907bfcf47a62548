#!/usr/bin/env bash
# docs/cli.md is the output of `dnmf help --markdown` (rendered from the declarations the
# tool parses its flags with and from the model registry): it must not drift. Then, as
# an independent check, every flag and default that `--help` shows for a command must
# appear in that command's section of docs/cli.md, and every command must have one.
set -uo pipefail
dnmf=$1
root=$2
fail=0
if ! diff -u "$root/docs/cli.md" <("$dnmf" help --markdown) >&2; then
  echo "FAIL: docs/cli.md differs from 'dnmf help --markdown' (regenerate: build/tools/dnmf help --markdown > docs/cli.md)" >&2
  fail=1
fi
for c in cluster factorize transform eval knn "graph stats" "graph cluster"; do
  # shellcheck disable=SC2086
  help=$("$dnmf" $c --help)
  python3 - "$root/docs/cli.md" "$c" "$help" <<'PY' || fail=1
import re, sys
doc, command, help_text = open(sys.argv[1]).read(), sys.argv[2], sys.argv[3]
m = re.search(r"^## dnmf " + re.escape(command) + r"\n(.*?)(?=^## |\Z)", doc, re.S | re.M)
if not m:
    sys.exit(f"FAIL: docs/cli.md has no section for 'dnmf {command}'")
section = m.group(1)
bad = 0
for line in help_text.splitlines():
    f = re.match(r"\s+(?:-\w, )?(--[\w-]+)", line)
    if not f or f.group(1) == "--help":
        continue
    if f"{f.group(1)}" not in section:
        print(f"FAIL: dnmf {command}: {f.group(1)} is in --help but not in docs/cli.md", file=sys.stderr); bad = 1
    d = re.search(r"\(default: (.*)\)$", line)
    if d and d.group(1).replace("|", "\\|") not in section:
        print(f"FAIL: dnmf {command}: default '{d.group(1)}' of {f.group(1)} is not in docs/cli.md", file=sys.stderr); bad = 1
sys.exit(bad)
PY
done
[ "$fail" -eq 0 ] && echo "docs: docs/cli.md matches the tool"
exit $fail
