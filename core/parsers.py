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
        # Brackets and braces count as nesting before the reader recurses into them; a quick count of the
        # deepest opening run refuses the pathological bodies without parsing them.
        depth = deepest = 0
        in_string = escaped = False
        for byte in raw:
            if in_string:
                escaped, in_string = (False, True) if escaped else (byte == 0x5C, byte != 0x22)
            elif byte == 0x22:
                in_string = True
            elif byte in (0x5B, 0x7B):
                depth += 1
                deepest = max(deepest, depth)
                if deepest > MAX_DEPTH:
                    raise ParseError(f"JSON nested more than {MAX_DEPTH} levels deep")
            elif byte in (0x5D, 0x7D):
                depth -= 1
        try:
            return json.loads(raw.decode(parser_context.get("encoding", "utf-8") if parser_context else "utf-8"))
        except (ValueError, RecursionError) as error:
            raise ParseError(f"JSON parse error: {error}") from None


class ObjectJSONParser(BoundedJSONParser):
    """The API's default: the body is one JSON object."""

    def parse(self, stream, media_type=None, parser_context=None):
        data = super().parse(stream, media_type, parser_context)
        if not isinstance(data, dict):
            raise ParseError(f"The body must be a JSON object ({{...}}), not a {type(data).__name__}")
        return data
