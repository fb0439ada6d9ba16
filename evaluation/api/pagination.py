"""Pagination of API lists: page numbers with a client-chosen page size."""

from rest_framework.pagination import PageNumberPagination


class PortalPagination(PageNumberPagination):
    """``?page=N&page_size=M`` (at most 500 per page)."""

    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 500
    page_query_description = "Номер страницы."
    page_size_query_description = "Сколько записей на странице (не более 500)."
