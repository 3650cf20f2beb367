"""Find the line of a TOML document where a key path is defined.

`tomllib` gives values without positions; ops editing the site configuration need
"line 42" in an error, so this maps key paths back to lines. It understands the
subset the site configuration uses: `[table]`, `[[array.of.tables]]` and `key = value`.
"""

import re
from collections.abc import Sequence

KeyPath = tuple[str | int, ...]

_ARRAY_HEADER = re.compile(r"^\s*\[\[\s*([^\]]+?)\s*\]\]")
_TABLE_HEADER = re.compile(r"^\s*\[\s*([^\]]+?)\s*\]")
_KEY = re.compile(r"^\s*([A-Za-z0-9_.\"-]+?)\s*=")


def key_lines(text: str) -> dict[KeyPath, int]:
    """Map every table and key path in `text` to its 1-based line number."""
    lines: dict[KeyPath, int] = {}
    array_lengths: dict[KeyPath, int] = {}
    current: KeyPath = ()

    def resolve(dotted: str) -> KeyPath:
        # A dotted header refers to the *last* element of every array of tables on its way.
        path: KeyPath = ()
        for part in (p.strip().strip('"') for p in dotted.split(".")):
            path = (*path, part)
            if path in array_lengths:
                path = (*path, array_lengths[path] - 1)
        return path

    for number, line in enumerate(text.splitlines(), start=1):
        if match := _ARRAY_HEADER.match(line):
            parent = resolve(match.group(1))
            # resolve() appended the index of the previous element, if any; a new one starts.
            array_path = parent[:-1] if parent and isinstance(parent[-1], int) else parent
            array_lengths[array_path] = array_lengths.get(array_path, 0) + 1
            current = (*array_path, array_lengths[array_path] - 1)
            lines.setdefault(array_path, number)
            lines[current] = number
        elif match := _TABLE_HEADER.match(line):
            current = resolve(match.group(1))
            lines[current] = number
        elif match := _KEY.match(line):
            path = current
            for part in match.group(1).split("."):
                path = (*path, part.strip().strip('"'))
            lines[path] = number
    return lines


def line_of(lines: dict[KeyPath, int], path: Sequence[str | int]) -> int | None:
    """The line of `path`, or of its closest enclosing key that the document spells out."""
    probe = tuple(path)
    while probe:
        if probe in lines:
            return lines[probe]
        probe = probe[:-1]
    return None
