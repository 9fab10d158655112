#!/usr/bin/env bash
# Prints the path of a Python 3.13 interpreter: python3.13 on PATH, then pyenv's, then ~/.pyenv's.
set -u
# A pyenv shim is on PATH even when it cannot run 3.13, so the candidate must actually start.
if command -v python3.13 >/dev/null 2>&1 && python3.13 -c "" >/dev/null 2>&1; then command -v python3.13; exit 0; fi
roots=()
if command -v pyenv >/dev/null 2>&1; then roots+=("$(pyenv root)/versions"); fi
roots+=("$HOME/.pyenv/versions")
for root in "${roots[@]}"; do
  for candidate in "$root"/3.13*/bin/python3.13; do
    if [ -x "$candidate" ]; then echo "$candidate"; exit 0; fi
  done
done
echo "Tutela needs Python 3.13: install it (e.g. 'pyenv install 3.13') or put python3.13 on PATH." >&2
exit 1
