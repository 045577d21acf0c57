"""CSV downloads: every export writes through here, so no cell can run as a spreadsheet formula.

A spreadsheet runs a cell that begins with =, +, - or @ as a formula, and a leading tab or carriage
return can hide one (OWASP, "CSV Injection"). Trainee names, prompts and notes are typed by users,
so every text cell that begins with one of those gets a leading apostrophe, which spreadsheets show
as text. A plain number such as "-0.5000" (a negative discrimination) is left as it is: it cannot
run, and escaping it would turn a figure into text.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable, Sequence

from django.http import HttpResponse

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_NUMBER = re.compile(r"-?\d+(\.\d+)?([eE][+-]?\d+)?")


def neutralise(cell: object) -> object:
    """The cell as a spreadsheet should read it: text that could start a formula, quoted."""
    if isinstance(cell, str) and cell.startswith(FORMULA_STARTS) and not _NUMBER.fullmatch(cell):
        return "'" + cell
    return cell


def csv_download(filename: str, rows: Iterable[Sequence[object]]) -> HttpResponse:
    """An attachment named `filename` holding `rows`, every cell passed through `neutralise`."""
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    writer = csv.writer(response)
    writer.writerows([neutralise(cell) for cell in row] for row in rows)
    return response
