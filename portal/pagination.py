"""How the API's lists are paged, and how the schema documents a page.

Lists answer DRF's PageNumberPagination shape `{count, next, previous, results}` (PAGE_SIZE in
settings). Function views do not tell drf-spectacular that they paginate, so a list declares its
page with `paginated(ItemOutput)` and takes the `PAGE` query parameter.
"""

from __future__ import annotations

from drf_spectacular.utils import OpenApiParameter, inline_serializer
from rest_framework import serializers

from .api_errors import error

PAGE = OpenApiParameter(
    "page", int, description="Page number, from 1; a page past the last answers 404."
)
PAGE_NOT_FOUND = error("A page past the last, or not a page number")


def paginated(item: type[serializers.Serializer]) -> serializers.Serializer:
    """The schema of one page of `item`s."""
    return inline_serializer(
        f"Paginated{item.__name__}List",
        {
            "count": serializers.IntegerField(help_text="Items on all pages together."),
            "next": serializers.URLField(allow_null=True, help_text="The next page, if any."),
            "previous": serializers.URLField(allow_null=True, help_text="The page before."),
            "results": item(many=True),
        },
    )
