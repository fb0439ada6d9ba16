"""Search documents as the apps' ``indexing`` modules would produce them."""

from __future__ import annotations

import factory

from search.documents import SearchDocument, document_from_mapping, make_id


class SearchDocumentFactory(factory.Factory):
    """A published organisation document unless told otherwise.

    Built through :func:`document_from_mapping`, as the ``indexing`` modules'
    mappings are, so derived fields (the score band) are filled in.
    """

    class Meta:
        model = SearchDocument

    kind = "organisation"
    id = factory.LazyAttributeSequence(lambda o, n: make_id(o.kind, n + 1))
    title = factory.Sequence(
        lambda n: f"Организация социального обслуживания № {n + 1}"
    )
    url = factory.LazyAttribute(lambda o: "/" + o.id.replace(":", "/") + "/")
    names = ()
    text = ""
    district = ""
    org_kind = ""
    campaign = ()
    score_band = ""
    status = ""
    doc_type = ""
    score = None
    extra = factory.LazyFunction(dict)

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        return document_from_mapping(kwargs)

    @classmethod
    def _build(cls, model_class, *args, **kwargs):
        return document_from_mapping(kwargs)


def forget_search_index() -> None:
    """Empty the database search backend and its in-process maps.

    A transactional test empties every Django table, the facet sets included,
    but leaves the backend's raw SQL tables (FTS5, facet keys) and this
    process's maps behind: a later search then finds rows whose facet sets are
    gone. Tests that index after such a flush start from a clean index.
    """
    from django.core.cache import caches

    from search.backends import database

    database.DatabaseBackend().clear()
    database.forget_memory()
    caches[database.CACHE_ALIAS].clear()
