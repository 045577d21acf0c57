"""Reading a curriculum from CSV: columns code, parent_code, title; pure (no ORM).

Rows are outcomes in the order they should be shown. A row's parent must appear on an earlier
line, so the file reads top-down like the tree and cannot contain a cycle. Every problem is
reported with its line number (the header is line 1), all at once, so a file is fixed in one go.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass

COLUMNS = ("code", "parent_code", "title")
MAX_ROWS = 5000
MAX_CODE = 30
MAX_TITLE = 300


@dataclass(frozen=True)
class OutcomeRow:
    line: int
    code: str
    parent_code: str  # "" for a top-level heading
    title: str


class CurriculumCsvError(ValueError):
    def __init__(self, problems: list[str]):
        super().__init__("; ".join(problems))
        self.problems = problems


def parse_curriculum_csv(data: bytes | str) -> list[OutcomeRow]:
    """The rows of a curriculum CSV, or CurriculumCsvError listing every problem found."""
    if isinstance(data, bytes):
        try:
            data = data.decode("utf-8-sig")
        except UnicodeDecodeError as error:
            raise CurriculumCsvError(["The file is not UTF-8 text."]) from error
    reader = csv.reader(io.StringIO(data))
    header = [cell.strip().lower() for cell in next(reader, [])]
    missing = [column for column in COLUMNS if column not in header]
    if missing:
        raise CurriculumCsvError([f"Line 1: missing column(s) {', '.join(missing)}."])
    index = {column: header.index(column) for column in COLUMNS}
    rows: list[OutcomeRow] = []
    problems: list[str] = []
    seen: set[str] = set()
    for line, cells in enumerate(reader, start=2):
        if not any(cell.strip() for cell in cells):
            continue
        if len(rows) >= MAX_ROWS:
            problems.append(f"Line {line}: more than {MAX_ROWS} outcomes.")
            break
        code, parent, title = (
            cells[index[column]].strip() if index[column] < len(cells) else "" for column in COLUMNS
        )
        problems.extend(_row_problems(line, code, parent, title, seen))
        seen.add(code)
        rows.append(OutcomeRow(line=line, code=code, parent_code=parent, title=title))
    if not rows and not problems:
        problems.append("The file has no outcomes.")
    if problems:
        raise CurriculumCsvError(problems)
    return rows


def _row_problems(line: int, code: str, parent: str, title: str, seen: set[str]) -> list[str]:
    problems = []
    if not code:
        problems.append(f"Line {line}: the code is empty.")
    elif len(code) > MAX_CODE:
        problems.append(f"Line {line}: the code is longer than {MAX_CODE} characters.")
    elif code in seen:
        problems.append(f"Line {line}: the code {code!r} appears twice.")
    if not title:
        problems.append(f"Line {line}: the title is empty.")
    elif len(title) > MAX_TITLE:
        problems.append(f"Line {line}: the title is longer than {MAX_TITLE} characters.")
    if parent and parent == code:
        problems.append(f"Line {line}: {code!r} is its own parent.")
    elif parent and parent not in seen:
        problems.append(f"Line {line}: the parent {parent!r} is not on an earlier line.")
    return problems
