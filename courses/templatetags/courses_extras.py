from django import template
from django.utils.safestring import mark_safe

from .. import markdown_text

register = template.Library()


@register.filter
def progress_for(progress: dict, case):
    """The trainee's CaseProgress for `case` from a dict keyed by case id, or None."""
    return progress.get(case.id) if progress else None


# Educators' text is stored as they wrote it and rendered when shown, rather than rendered once
# into a stored *_html copy: no second column per field to keep in step, no data migration for
# the HTML written before Markdown (it renders through the same path), and a tightened
# allow-list covers everything already stored at once. A render costs well under a millisecond.
@register.filter
def markdown(text: str) -> str:
    """Educator-written Markdown as sanitised block HTML (courses/markdown_text.py)."""
    return mark_safe(markdown_text.render(text))  # sanitised by nh3


@register.filter
def markdown_inline(text: str) -> str:
    """One line of educator-written Markdown as sanitised inline HTML."""
    return mark_safe(markdown_text.render_inline(text))  # sanitised by nh3


@register.filter
def markdown_plain(text: str) -> str:
    """Educator-written Markdown as plain words, for summaries (escaped like any text)."""
    return markdown_text.render_plain(text)
