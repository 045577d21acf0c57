"""A CPD certificate as a one-page PDF (fpdf2); pure: facts in, bytes out, no ORM."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

from fpdf import FPDF

# A Unicode font when the system has one, so any name prints as written; else the PDF core
# font, which only knows Latin-1 (other characters become "?").
FONT_DIR = Path("/usr/share/fonts/truetype/dejavu")


def _font(pdf: FPDF) -> str:
    regular, bold = FONT_DIR / "DejaVuSans.ttf", FONT_DIR / "DejaVuSans-Bold.ttf"
    if regular.exists() and bold.exists():
        pdf.add_font("DejaVu", "", str(regular))
        pdf.add_font("DejaVu", "B", str(bold))
        return "DejaVu"
    return "Helvetica"


def _text(value: str, font: str) -> str:
    if font == "DejaVu":
        return value
    return value.encode("latin-1", "replace").decode("latin-1")


def render_certificate_pdf(
    *,
    name: str,
    course_title: str,
    hours: Decimal | None,
    outcomes: list[dict],
    issued_on: date,
    code: str,
    verify_url: str,
) -> bytes:
    """The certificate's PDF. `outcomes` are {"code", "title"} dicts; `verify_url` is the
    absolute address of the public verification page."""
    pdf = FPDF(orientation="portrait", format="A4")
    pdf.set_title(_text(f"CPD certificate: {course_title}", "DejaVu"))
    pdf.set_auto_page_break(auto=True, margin=20)
    pdf.add_page()
    font = _font(pdf)

    def line(text: str, size: int, style: str = "", gap: float = 4) -> None:
        pdf.set_font(font, style, size)
        pdf.multi_cell(0, size * 0.5, _text(text, font), align="C")
        pdf.ln(gap)

    pdf.ln(20)
    line("Certificate of Continuing Professional Development", 18, "B", 12)
    line("This certifies that", 12)
    line(name, 20, "B", 6)
    line("completed every case of the course", 12)
    line(course_title, 16, "B", 8)
    if hours is not None:
        line(f"CPD hours: {hours}", 12)
    line(f"Date: {issued_on.isoformat()}", 12, gap=8)
    if outcomes:
        line("Curriculum outcomes covered", 12, "B")
        pdf.set_font(font, "", 10)
        for outcome in outcomes:
            text = f"{outcome['code']}  {outcome['title']}"
            pdf.multi_cell(0, 5, _text(text, font), align="C")
        pdf.ln(6)
    line(f"Verification code: {code}", 11, "B", 2)
    line(f"Check this certificate at {verify_url}", 9)
    return bytes(pdf.output())
