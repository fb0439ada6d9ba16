"""Tables of the database search backend.

One :class:`SearchEntry` per indexed document (facets as columns), the words
seen while indexing in :class:`SearchTerm` (targets for typo correction), the
distinct combinations of facet values in :class:`SearchFacetSet` (facet counts
group matches by combination) and a :class:`SearchState` token that changes
with every write (facet-count cache).

Vendor-specific parts are created by the migrations, not declared here: on
PostgreSQL the GIN index over ``search_vector`` (filled with the ``russian``
configuration) and the narrow table ``qp_search_match`` (entry id, facet set,
vector) that facet counting scans; on SQLite the FTS5 table ``qp_search_fts``
holding stemmed terms and the narrow table ``qp_search_facets``. Wagtail's own search (the admin) is separate and untouched.
"""

from django.contrib.postgres.search import SearchVectorField
from django.db import models
from django.utils.translation import gettext_lazy as _


class SearchEntry(models.Model):
    """One indexed document (see ``search.documents.SearchDocument``).

    Facets are plain columns (``campaigns`` holds ``|slug|slug|``), so one
    GROUP BY over the matching rows counts every facet at once.
    """

    doc_id = models.CharField(_("идентификатор документа"), max_length=120, unique=True)
    kind = models.CharField(_("раздел"), max_length=30)
    kind_order = models.PositiveSmallIntegerField(_("порядок раздела"))
    title = models.TextField(_("заголовок"))
    sort_title = models.CharField(_("заголовок для сортировки"), max_length=200)
    url = models.CharField(_("адрес"), max_length=500, blank=True)
    names = models.TextField(_("другие названия"), blank=True)
    body = models.TextField(_("текст"), blank=True)
    published_at = models.DateField(_("дата"), null=True, blank=True)
    score = models.FloatField(_("итоговый балл"), null=True, blank=True)
    district = models.CharField(_("район"), max_length=200, blank=True)
    org_kind = models.CharField(_("вид организации"), max_length=200, blank=True)
    campaigns = models.CharField(_("кампании"), max_length=2000, blank=True)
    score_band = models.CharField(_("диапазон балла"), max_length=200, blank=True)
    status = models.CharField(_("статус"), max_length=200, blank=True)
    doc_type = models.CharField(_("вид документа"), max_length=200, blank=True)
    document = models.JSONField(_("документ"))
    # Filled with to_tsvector('russian', …) on PostgreSQL only: everything
    # (title and names weighted A, text B) for matching, and title and names
    # alone for ranking.
    search_vector = SearchVectorField(null=True, editable=False)
    head_vector = SearchVectorField(null=True, editable=False)

    class Meta:
        db_table = "qp_search_entry"
        verbose_name = _("запись поискового индекса")
        verbose_name_plural = _("записи поискового индекса")
        indexes = [
            models.Index(
                fields=["kind_order", "sort_title", "id"], name="qp_search_browse"
            ),
        ]

    def __str__(self) -> str:
        return self.doc_id


class SearchState(models.Model):
    """A token that changes with every write to the index (cache key)."""

    name = models.CharField(_("имя"), max_length=30, primary_key=True)
    token = models.CharField(_("версия"), max_length=32)

    class Meta:
        db_table = "qp_search_state"
        verbose_name = _("состояние поискового индекса")
        verbose_name_plural = _("состояния поискового индекса")

    def __str__(self) -> str:
        return f"{self.name}: {self.token}"


class SearchTerm(models.Model):
    """A word seen in indexed text: a target for typo correction.

    ``head`` (first two letters) and ``tail`` (last three) with ``length``
    narrow the candidates before the edit distance is computed in Python.
    """

    word = models.CharField(_("слово"), max_length=100, unique=True)
    length = models.PositiveSmallIntegerField(_("длина"))
    head = models.CharField(_("начало"), max_length=2)
    tail = models.CharField(_("окончание"), max_length=3)

    class Meta:
        db_table = "qp_search_term"
        verbose_name = _("слово словаря поиска")
        verbose_name_plural = _("слова словаря поиска")
        indexes = [
            models.Index(fields=["head", "length"], name="qp_search_term_head"),
            models.Index(fields=["tail", "length"], name="qp_search_term_tail"),
        ]

    def __str__(self) -> str:
        return self.word


class SearchFacetSet(models.Model):
    """One combination of facet values of indexed documents.

    ``key`` is a hash of the values (``search.backends.database.facet_key``):
    the same combination always has the same key, so a row never changes
    meaning and readers may keep it in memory. Counting facets groups the
    matches by key (one integer per row) and adds the groups up per value.
    """

    key = models.BigIntegerField(_("ключ"), primary_key=True)
    kind = models.CharField(_("раздел"), max_length=30)
    district = models.CharField(_("район"), max_length=200, blank=True)
    org_kind = models.CharField(_("вид организации"), max_length=200, blank=True)
    campaigns = models.CharField(_("кампании"), max_length=2000, blank=True)
    score_band = models.CharField(_("диапазон балла"), max_length=200, blank=True)
    status = models.CharField(_("статус"), max_length=200, blank=True)
    doc_type = models.CharField(_("вид документа"), max_length=200, blank=True)

    class Meta:
        db_table = "qp_search_facet_set"
        verbose_name = _("сочетание значений фильтров")
        verbose_name_plural = _("сочетания значений фильтров")

    def __str__(self) -> str:
        return str(self.key)
