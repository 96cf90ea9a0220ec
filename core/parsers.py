"""How the REST API reads JSON bodies: every endpoint takes an object ({...}), nested at most MAX_DEPTH deep. A
list, a scalar or a body of thousands of nested arrays is a 400 naming the problem, never a 500 (Python's json
reader recurses once per level and gives up with RecursionError past about a thousand)."""
from __future__ import annotations

import json

from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser

MAX_DEPTH = 32


def _depth_within(value, limit: int) -> bool:
    stack = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, (dict, list)):
            if depth > limit:
                return False
            children = item.values() if isinstance(item, dict) else item
            stack.extend((child, depth + 1) for child in children)
    return True


class BoundedJSONParser(JSONParser):
    """JSON of any top-level shape, nested at most MAX_DEPTH deep (the Beacon answers other shapes itself)."""

    def parse(self, stream, media_type=None, parser_context=None):
        raw = stream.read() if stream is not None else b""
        encoding = parser_context.get("encoding", "utf-8") if parser_context else "utf-8"
        try:
            data = json.loads(raw.decode(encoding))
        except RecursionError:  # the reader's own limit, about a thousand levels
            raise ParseError(f"JSON nested more than {MAX_DEPTH} levels deep") from None
        except ValueError as error:
            raise ParseError(f"JSON parse error: {error}") from None
        if not _depth_within(data, MAX_DEPTH):
            raise ParseError(f"JSON nested more than {MAX_DEPTH} levels deep")
        return data


class ObjectJSONParser(BoundedJSONParser):
    """The API's default: the body is one JSON object."""

    def parse(self, stream, media_type=None, parser_context=None):
        data = super().parse(stream, media_type, parser_context)
        if not isinstance(data, dict):
            raise ParseError(f"The body must be a JSON object ({{...}}), not a {type(data).__name__}")
        return data
