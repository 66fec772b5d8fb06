#!/usr/bin/env bash
# Print the path of a Python >= 3.12 (3.12 preferred, the version the lock file
# is tested on): first on PATH, then under pyenv. Exits 1 with a clear message
# when none is found.
ok() { "$1" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 12) else 1)' >/dev/null 2>&1; }
for cand in python3.12 python3 python3.13 python3.14 python; do
    p=$(command -v "$cand" 2>/dev/null) || continue
    if ok "$p"; then echo "$p"; exit 0; fi
done
root=$(pyenv root 2>/dev/null || echo "${PYENV_ROOT:-$HOME/.pyenv}")
for p in $(ls -d "$root"/versions/3.12*/bin/python3 "$root"/versions/3.1[3-9]*/bin/python3 2>/dev/null); do
    if ok "$p"; then echo "$p"; exit 0; fi
done
echo "error: placejobs needs Python 3.12 or newer; none found on PATH or under pyenv ($root/versions). Install one (e.g. 'pyenv install 3.12') and retry." >&2
exit 1
