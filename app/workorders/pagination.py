"""Page-number pagination with a client-chosen page size, capped, and counted by the page's own
query."""
from django.core.paginator import EmptyPage, Paginator
from django.db.models import Count, QuerySet, Window
from rest_framework.pagination import PageNumberPagination

TOTAL = "rows_in_all"  # the window column that carries the count
MAX_OFFSET = 2**62  # PostgreSQL's OFFSET is a bigint: a page past it is refused by the count


class CountedByThePage(Paginator):
    """Django's paginator, with the total counted by the page's query (COUNT(*) OVER ()) instead
    of a COUNT(*) query of its own: one round trip and one query compiled fewer per list (the
    count was half of a list miss's paging, py-spy). An empty page still tells what the count
    must be: none at all on the first page, and past the last page on any other, which is
    Django's EmptyPage with Django's message. Pages asked for by count ("last") and querysets
    this cannot count so (DISTINCT, or already counted) take Django's own way."""

    def page(self, number):
        queryset = self.object_list
        if (not isinstance(queryset, QuerySet) or queryset.query.distinct
                or "count" in self.__dict__):
            return super().page(number)
        try:
            if isinstance(number, float) and not number.is_integer():
                raise ValueError
            number = int(number)
        except (TypeError, ValueError):
            return super().page(number)  # Django's PageNotAnInteger, with its message
        bottom = (number - 1) * self.per_page
        if number < 1 or bottom > MAX_OFFSET:
            return super().page(number)  # Django's EmptyPage, with its message
        rows = list(queryset.annotate(**{TOTAL: Window(Count("*"))})[
            bottom:bottom + self.per_page])
        if not rows and number > 1:
            raise EmptyPage(self.error_messages["no_results"])
        counts = [row.pop(TOTAL) if isinstance(row, dict) else vars(row).pop(TOTAL)
                  for row in rows]
        self.__dict__["count"] = counts[0] if counts else 0  # the cached_property's slot
        return self._get_page(rows, number, self)


class Pagination(PageNumberPagination):
    django_paginator_class = CountedByThePage
    page_size = 20
    page_size_query_param = "page_size"
    max_page_size = 100
