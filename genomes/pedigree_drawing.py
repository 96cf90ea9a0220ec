"""A pedigree as SVG, drawn by the usual conventions: squares for males, circles for females, diamonds for
unknown sex, filled when affected, an arrow at the proband, parents joined above their children."""
from __future__ import annotations

from html import escape

SIZE, GAP_X, GAP_Y, MARGIN = 30, 120, 80, 20
# Laboratory sample ids run long ("ADM1059A2-WGS-2026-000123"): labels wrap at separators onto lines of at most
# LABEL_LINE characters, and individuals stand far enough apart for the widest line (11 px text: ~6.6 px a
# character), so labels never overlap.
LABEL_LINE, CHAR_WIDTH, LINE_HEIGHT = 16, 6.6, 12


def label_lines(text: str) -> list[str]:
    lines, current = [], ""
    for piece in _pieces(text):
        if current and len(current) + len(piece) > LABEL_LINE:
            lines.append(current)
            current = ""
        current += piece
    lines.append(current)
    return [line for line in lines if line]


def _pieces(text: str) -> list[str]:
    """The text cut after each separator (- _ . space), long runs cut every LABEL_LINE characters."""
    pieces, current = [], ""
    for char in text:
        current += char
        if char in "-_. " or len(current) >= LABEL_LINE:
            pieces.append(current)
            current = ""
    if current:
        pieces.append(current)
    return pieces


def pedigree_svg(individuals: list[dict]) -> str:
    """``individuals``: dicts with id, sex, affection, father, mother (ids or None), proband (bool)."""
    by_id = {p["id"]: p for p in individuals}
    generation: dict[str, int] = {}

    def depth(person_id: str, seen=()) -> int:
        if person_id in generation:
            return generation[person_id]
        person = by_id[person_id]
        parents = [p for p in (person["father"], person["mother"]) if p in by_id and p not in seen]
        generation[person_id] = 0 if not parents else 1 + max(depth(p, (*seen, person_id)) for p in parents)
        return generation[person_id]

    for person_id in by_id:
        depth(person_id)
    rows: dict[int, list[str]] = {}
    for person_id in by_id:  # file order within a generation; couples side by side
        rows.setdefault(generation[person_id], []).append(person_id)
    labels = {person_id: label_lines(person_id) for person_id in by_id}
    widest = max(len(line) for lines in labels.values() for line in lines)
    gap_x = max(GAP_X, widest * CHAR_WIDTH + 16)
    gap_y = GAP_Y + (max(len(lines) for lines in labels.values()) - 1) * LINE_HEIGHT
    position = {}
    for level, members in rows.items():
        for i, person_id in enumerate(members):
            position[person_id] = (
                MARGIN + i * gap_x + max(SIZE / 2 + 20, gap_x / 2),
                MARGIN + level * gap_y + SIZE / 2,
            )
    width = round(MARGIN * 2 + 20 + max(len(m) for m in rows.values()) * gap_x)
    height = round(MARGIN * 2 + len(rows) * gap_y)
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" class="pedigree" role="img" aria-label="Pedigree" '
             f'width="{width}" height="{height}" viewBox="0 0 {width} {height}">']
    for person_id, person in by_id.items():  # lines first, shapes on top
        parents = [p for p in (person["father"], person["mother"]) if p in position]
        if not parents:
            continue
        cx, cy = position[person_id]
        top = cy - SIZE / 2
        if len(parents) == 2:
            (x1, y1), (x2, y2) = position[parents[0]], position[parents[1]]
            parts.append(f'<line x1="{x1}" y1="{y1}" x2="{x2}" y2="{y2}" stroke="#333"/>')
            mx, my = (x1 + x2) / 2, (y1 + y2) / 2
        else:
            mx, my = position[parents[0]][0], position[parents[0]][1] + SIZE / 2
        mid = (my + top) / 2
        parts.append(f'<polyline points="{mx},{my} {mx},{mid} {cx},{mid} {cx},{top}" fill="none" stroke="#333"/>')
    for person_id, person in by_id.items():
        cx, cy = position[person_id]
        fill = "#333" if person["affection"] == "affected" else ("#bbb" if person["affection"] == "unknown" else "#fff")
        half = SIZE / 2
        if person["sex"] == "male":
            shape = f'<rect x="{cx - half}" y="{cy - half}" width="{SIZE}" height="{SIZE}"'
        elif person["sex"] == "female":
            shape = f'<circle cx="{cx}" cy="{cy}" r="{half}"'
        else:
            shape = f'<polygon points="{cx},{cy - half} {cx + half},{cy} {cx},{cy + half} {cx - half},{cy}"'
        label = escape(person["id"])
        parts.append(f'{shape} fill="{fill}" stroke="#333" data-individual="{label}"><title>{label}: '
                     f'{person["sex"]}, {person["affection"]}</title></{shape.split()[0][1:]}>')
        if person.get("proband"):
            parts.append(f'<path d="M{cx - half - 14},{cy + half + 10} L{cx - half - 2},{cy + half - 2}" '
                         f'stroke="#c00" stroke-width="2" marker-end="url(#arrow)"/>')
        lines = "".join(f'<tspan x="{cx}" dy="{0 if n == 0 else LINE_HEIGHT}">{escape(line)}</tspan>'
                        for n, line in enumerate(labels[person_id]))
        parts.append(f'<text x="{cx}" y="{cy + half + 14}" font-size="11" text-anchor="middle">{lines}</text>')
    parts.insert(1, '<defs><marker id="arrow" markerWidth="6" markerHeight="6" refX="3" refY="3" orient="auto">'
                    '<path d="M0,0 L6,3 L0,6 z" fill="#c00"/></marker></defs>')
    parts.append("</svg>")
    return "".join(parts)
