#!/bin/sh
# Every C++ source of the project is formatted by clang-format with the
# repository's .clang-format (Google style). Usage: check_format.sh
# SOURCE_DIR. Lists the files to reformat (`clang-format -i FILE`); exit 1
# if any.
set -u
root=${1:?usage: check_format.sh SOURCE_DIR}
cd "$root" || exit 1
if ! command -v clang-format >/dev/null 2>&1; then
  echo "clang-format is missing: run deploy/install-deps.sh"
  exit 1
fi
# One clang-format run over every file; its diagnostics name the files.
out=$(find proto services storage tests -name '*.cc' -o -name '*.h' | sort |
  xargs clang-format --dry-run --Werror 2>&1)
rc=$?
bad=$(printf '%s\n' "$out" |
  sed -n 's/^\([^:]*\):[0-9]*:[0-9]*: error: code should be clang-formatted.*/\1/p' |
  sort -u)
if [ "$rc" -ne 0 ] && [ -z "$bad" ]; then
  echo "clang-format failed:"
  printf '%s\n' "$out"
  exit 1
fi
if [ -n "$bad" ]; then
  echo "not formatted (run clang-format -i on them):"
  echo "$bad" | sed 's/^/  /'
  exit 1
fi
echo "format: every .cc/.h under proto/ services/ storage/ tests/ is clang-formatted"
