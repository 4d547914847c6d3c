"""JSON Merge Patch (RFC 7396): how ``PATCH`` changes a passport's plain JSON.

An object in the patch merges into the target member by member, ``null`` removes a member,
and anything else (a list included) replaces the target value whole. Input has passed the
nesting gate, so the recursion is bounded.
"""

from __future__ import annotations

from typing import Any


def merge_patch(target: Any, patch: Any) -> Any:
    """The target with ``patch`` applied (RFC 7396 section 2); neither argument is changed."""
    if not isinstance(patch, dict):
        return patch
    result = dict(target) if isinstance(target, dict) else {}
    for name, value in patch.items():
        if value is None:
            result.pop(name, None)
        else:
            result[name] = merge_patch(result.get(name), value)
    return result
