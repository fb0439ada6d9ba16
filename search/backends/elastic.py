"""The Elasticsearch backend, built with the DSL bundled in the 8.x client.

Documents live in timestamped indices (``<prefix>-documents-<UTC time>``)
behind one alias (``<prefix>-documents``); queries and single updates go
through the alias, :meth:`ElasticsearchBackend.rebuild` fills a new index and
swaps the alias in one atomic request, so searches never see a half-built or
missing index. While a rebuild loads, the generation being built sits behind a
second alias (``<prefix>-documents-building``) and live writes go to it as well
as to the serving index, so nothing indexed or deleted meanwhile is lost at the
swap: the rebuild only *creates* documents (a live write of the same id wins),
and a live deletion leaves a tombstone there that keeps the rebuild from
bringing the document back; tombstones are removed before and after the swap.

Russian analysis comes from the project's stable analysis plugin
(``search/es_plugin``, installed by ``scripts/services.py``): the analyzer
``qp_russian`` and the token filters ``qp_lowercase`` and ``qp_yo_fold``.
Synonyms are expanded at query time from :func:`search.analysis.analyse_query`,
the same expansion the database backend uses (a multi-word alternative needs
all its words); typos too, as on the database: a typed word of 4+ letters that
no document holds gets the term suggester's nearest indexed words (one edit up
to 7 letters, two from 8) as alternatives.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging
from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import Any

from django.core.cache import caches
from django.core.serializers.json import DjangoJSONEncoder
from elastic_transport import TransportError
from elasticsearch import ApiError, Elasticsearch, NotFoundError
from elasticsearch.dsl import (
    Boolean,
    Completion,
    Date,
    Float,
    Index,
    Integer,
    Keyword,
    Object,
    Q,
    Text,
    analyzer,
    token_filter,
)
from elasticsearch.dsl import (
    Mapping as IndexMapping,
)
from elasticsearch.helpers import BulkIndexError, streaming_bulk

from search import analysis
from search.backends.base import (
    FacetCount,
    HealthStatus,
    SearchHit,
    SearchQuery,
    SearchResults,
    Suggestion,
)
from search.documents import (
    FACETS,
    KINDS,
    TEXT_FIELDS,
    SearchDocument,
    document_from_mapping,
)

logger = logging.getLogger(__name__)

#: Name of the analysis plugin the index settings need.
PLUGIN_NAME = "qp-analysis-russian"
#: Analyzer of the plugin: standard tokenizer, lower case, ё→е, stop words, stems.
RUSSIAN_ANALYZER = "qp_russian"
#: Leading characters a typo may not touch: fewer terms for the suggester to
#: enumerate (the database backend, too, looks for candidates sharing leading
#: or final letters).
FUZZY_PREFIX = 1
#: Relevance weights of the text fields and of an exact phrase in title/names.
FIELD_WEIGHTS = {"title": 3.0, "names": 3.0, "text": 1.0}
PHRASE_BOOST = 5.0
#: Longest hit offset Elasticsearch pages to (``index.max_result_window``).
MAX_RESULT_WINDOW = 10_000
SNIPPET_LENGTH = 220
BULK_CHUNK = 1000
FACET_SIZE = 500
#: Name of the facet aggregation filtered by every active filter (the total).
_ALL_FILTERS = "all"
#: Field holding the folded, unstemmed words of title, names and text.
WORDS_FIELD = "words"
#: Most typo candidates per unknown word (alternatives and "did you mean"),
#: as on the database backend (``analysis.typo_candidates``).
CORRECTIONS = 5
#: Django cache of words known to the index (typo checks skipped for them).
CACHE_ALIAS = "default"
KNOWN_WORD_SECONDS = 300
#: How long a word found unknown keeps its corrections (the next pages and
#: facet clicks of a query with a typo skip the check). Shorter: a document
#: bringing the word may be published meanwhile, so the word itself stays one
#: of the alternatives of a query that uses remembered corrections.
UNKNOWN_WORD_SECONDS = 60
#: Seconds a rebuild waits for the new generation's merge to one segment.
MERGE_TIMEOUT = 3600
#: Marks a document deleted while a rebuild was loading (generation being built).
TOMBSTONE_FIELD = "tombstone"
#: Fields added to the stored document for sorting and suggestions only.
_INTERNAL_FIELDS = ("kind_order", "title_sort", "suggest", TOMBSTONE_FIELD)
#: What the query path reads of an ``msearch`` response (and ``took``, for
#: benchmarks); the rest is left on the node instead of parsed here.
_FILTER_PATH = (
    "took",
    # Every item has a status: no response is filtered away entirely.
    "responses.status",
    "responses.error",
    "responses.hits.total.value",
    "responses.hits.hits._score",
    "responses.hits.hits._source",
    "responses.aggregations.*.doc_count",
    "responses.aggregations.*.buckets.key",
    "responses.aggregations.*.buckets.doc_count",
    "responses.aggregations.*.*.buckets.key",
    "responses.aggregations.*.*.buckets.doc_count",
    "responses.suggest.fix.options.text",
)
_SUGGEST_FILTER_PATH = (
    "took",
    "suggest.titles.options._source",
)


class SearchIndexError(RuntimeError):
    """Elasticsearch refused a request the backend needed."""


fold_filter = token_filter("qp_fold", type="qp_yo_fold")
lowercase_filter = token_filter("qp_lower", type="qp_lowercase")
#: Case- and ё-insensitive words without stemming, for the completion field.
fold_analyzer = analyzer(
    "qp_fold_words", tokenizer="standard", filter=[lowercase_filter, fold_filter]
)


def make_client(url: str, *, timeout: float = 10.0) -> Elasticsearch:
    """Create a client for one node or cluster URL.

    Args:
        url: The cluster's HTTP address, e.g. ``http://127.0.0.1:9200``.
        timeout: Request timeout in seconds.
    """
    return Elasticsearch(url, request_timeout=timeout, retry_on_timeout=True)


def server_version(client: Elasticsearch) -> str:
    """Return the version number the connected node reports about itself.

    Uses the nodes API rather than ``GET /``: minimal distributions (such as the
    integration-test one) do not serve the root endpoint.
    """
    response = client.nodes.info(node_id="_local", metric="_none")
    nodes = response["nodes"]
    return str(next(iter(nodes.values()))["version"])


def index_mapping() -> IndexMapping:
    """The mapping of one index generation (fields of :class:`SearchDocument`)."""
    mapping = IndexMapping()
    for name in ("title", "names", "text"):
        mapping.field(name, Text(analyzer=RUSSIAN_ANALYZER, copy_to=WORDS_FIELD))
    # Unstemmed, folded words of all text fields: the vocabulary "did you mean"
    # corrections are taken from (like the database backend's word table).
    mapping.field(WORDS_FIELD, Text(analyzer=fold_analyzer))
    mapping.field("id", Keyword())
    mapping.field("url", Keyword(index=False))
    for facet in FACETS:
        # Facet counts need global ordinals; build them at refresh, not per query.
        mapping.field(facet, Keyword(eager_global_ordinals=True))
    mapping.field("published_at", Date())
    mapping.field("score", Float())
    mapping.field("extra", Object(enabled=False))
    mapping.field("kind_order", Integer())
    mapping.field(TOMBSTONE_FIELD, Boolean())
    mapping.field("title_sort", Keyword())
    mapping.field("suggest", Completion(analyzer=fold_analyzer))
    return mapping


def suggest_inputs(doc: SearchDocument) -> list[str]:
    """Completion inputs: the title and names from each of their words on.

    The completion suggester matches from the start of an input, so "интернат"
    finds "Ачинский дом-интернат" through the input starting at that word.
    """
    inputs: list[str] = []
    for phrase in (doc.title, *doc.names):
        words = phrase.split()
        for start in range(len(words)):
            tail = " ".join(words[start:])
            if tail and tail not in inputs:
                inputs.append(tail)
        for word in words:
            if "-" in word:
                for part_start in range(1, len(word.split("-"))):
                    tail = "-".join(word.split("-")[part_start:])
                    if tail and tail not in inputs:
                        inputs.append(tail)
    return inputs


def to_source(doc: SearchDocument) -> dict[str, Any]:
    """The stored ``_source`` of a document: its fields plus sort/suggest helpers."""
    source = doc.to_dict()
    for facet in FACETS:
        if source[facet] in ("", []):
            # Absent rather than "": no empty bucket in the facet counts.
            source[facet] = None
    # Display extras may hold lazy translations or decimals.
    source["extra"] = json.loads(json.dumps(source["extra"], cls=DjangoJSONEncoder))
    source["kind_order"] = KINDS.index(doc.kind)
    source["title_sort"] = analysis.normalise(doc.title)
    source["suggest"] = suggest_inputs(doc)
    return source


def from_source(source: Mapping[str, Any]) -> SearchDocument:
    """Rebuild a :class:`SearchDocument` from a stored ``_source``."""
    data = {key: value for key, value in source.items() if key not in _INTERNAL_FIELDS}
    published = data.get("published_at")
    if isinstance(published, str) and published:
        data["published_at"] = dt.date.fromisoformat(published[:10])
    return document_from_mapping(data)


class ElasticsearchBackend:
    """Public search on an Elasticsearch 8 node with the Russian analysis plugin.

    Args:
        url: The cluster URL.
        index_prefix: Prefix of the alias and of the index generations.
        client: An existing client (tests, benchmarks); ``url`` is then ignored.
        timeout: Request timeout of a client created here.
    """

    name = "elasticsearch"

    def __init__(
        self,
        url: str = "",
        index_prefix: str = "qp",
        *,
        client: Elasticsearch | None = None,
        timeout: float = 30.0,
    ) -> None:
        if client is None and not url:
            raise ValueError("ElasticsearchBackend needs a URL or a client")
        self.client = client or make_client(url, timeout=timeout)
        self.index_prefix = index_prefix
        self.alias = f"{index_prefix}-documents"
        #: Alias of a generation being built by a rebuild (live writes too).
        self.building_alias = f"{self.alias}-building"

    # --- index management -------------------------------------------------------

    def _new_index_name(self) -> str:
        stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%d%H%M%S%f")
        return f"{self.alias}-{stamp}"

    def create_generation(self, *, bulk_load: bool = False) -> str:
        """Create an empty index generation (not yet behind the alias); return its name.

        Args:
            bulk_load: Switch refreshes off for a fast initial load; call
                :meth:`finish_generation` afterwards.
        """
        name = self._new_index_name()
        index = Index(name, using=self.client)
        index.settings(
            number_of_shards=1,
            number_of_replicas=0,
            refresh_interval="-1" if bulk_load else "1s",
            # Segments stored in browsing order: empty-query pages stop after
            # the page instead of sorting every document.
            **{
                "sort.field": ["kind_order", "title_sort"],
                "sort.order": ["asc", "asc"],
            },
        )
        index.analyzer(fold_analyzer)
        index.mapping(index_mapping())
        index.create()
        return name

    def finish_generation(self, name: str) -> None:
        """Restore refreshes on a bulk-loaded generation and make it searchable."""
        self.client.indices.put_settings(
            index=name, settings={"index": {"refresh_interval": "1s"}}
        )
        self.client.indices.refresh(index=name)

    def generations(self) -> list[str]:
        """Names of the indices currently behind the alias."""
        try:
            return sorted(self.client.indices.get_alias(name=self.alias).body)
        except NotFoundError:
            return []

    def building(self) -> list[str]:
        """Generations being loaded by a rebuild right now (usually none)."""
        try:
            return sorted(self.client.indices.get_alias(name=self.building_alias).body)
        except NotFoundError:
            return []

    def ensure_index(self) -> str:
        """Make sure the alias points at an index, creating the first one; return it."""
        current = self.generations()
        if current:
            return current[-1]
        name = self.create_generation()
        self.client.indices.update_aliases(
            actions=[{"add": {"index": name, "alias": self.alias}}]
        )
        return name

    def swap_alias(self, new_index: str) -> list[str]:
        """Point the alias at ``new_index`` only, atomically; return the old indices.

        The same request takes ``new_index`` off the building alias.
        """
        old = self.generations()
        actions: list[dict[str, Any]] = [
            {"remove": {"index": name, "alias": self.alias}} for name in old
        ]
        actions.append({"add": {"index": new_index, "alias": self.alias}})
        if new_index in self.building():
            actions.append(
                {"remove": {"index": new_index, "alias": self.building_alias}}
            )
        self.client.indices.update_aliases(actions=actions)
        return [name for name in old if name != new_index]

    def _drop_tombstones(self, index: str) -> None:
        """Delete the tombstones of ``index`` (a search and a bulk delete: the
        minimal distributions have no ``_delete_by_query``)."""
        while True:
            self.client.indices.refresh(index=index)
            found = self.client.search(
                index=index,
                query={"term": {TOMBSTONE_FIELD: True}},
                source=False,
                size=BULK_CHUNK,
                seq_no_primary_term=True,
            )["hits"]["hits"]
            if not found:
                return
            # Only the tombstone as found: a live write replacing it meanwhile
            # (a version conflict) stays.
            for ok, item in streaming_bulk(
                self.client,
                (
                    {
                        "_op_type": "delete",
                        "_index": index,
                        "_id": hit["_id"],
                        "if_seq_no": hit["_seq_no"],
                        "if_primary_term": hit["_primary_term"],
                    }
                    for hit in found
                ),
                chunk_size=BULK_CHUNK,
                raise_on_error=False,
                raise_on_exception=True,
            ):
                status = item.get("delete", {}).get("status")
                if not ok and status not in (404, 409):
                    raise SearchIndexError(f"Elasticsearch не удалил метку: {item}")

    # --- writing ---------------------------------------------------------------

    def _bulk(self, actions: Iterable[dict[str, Any]], refresh: bool) -> int:
        done = 0
        for ok, item in streaming_bulk(
            self.client,
            actions,
            chunk_size=BULK_CHUNK,
            raise_on_error=True,
            refresh="wait_for" if refresh else False,
        ):
            if ok:
                done += 1
            else:  # pragma: no cover - raise_on_error raises first
                logger.error("bulk item failed: %s", item)
        return done

    def _index_actions(
        self, docs: Iterable[SearchDocument], index: str
    ) -> Iterator[dict[str, Any]]:
        for doc in docs:
            yield {
                "_op_type": "index",
                "_index": index,
                "_id": doc.id,
                "_source": to_source(doc),
            }

    def index(self, docs: Iterable[SearchDocument], *, refresh: bool = False) -> int:
        """Add or replace documents (by id); return how many were written.

        During a rebuild the documents also go to the generation being built.
        """
        target = self.ensure_index()
        building = [name for name in self.building() if name != target]
        if not building:
            count = self._bulk(self._index_actions(docs, target), refresh=False)
        else:
            docs = list(docs)
            count = self._bulk(self._index_actions(docs, target), refresh=False)
            for name in building:
                self._write_building(self._index_actions(docs, name))
        if refresh:
            self.client.indices.refresh(index=",".join([self.alias, *building]))
        return count

    def _write_building(self, actions: Iterable[dict[str, Any]]) -> None:
        """Write to a generation being built; a rebuild that failed meanwhile
        (its index deleted) is no reason to fail the live write."""
        try:
            self._bulk(actions, refresh=False)
        except (BulkIndexError, NotFoundError) as error:
            logger.warning("search: write to the index being rebuilt failed: %s", error)

    def delete(self, ids: Iterable[str], *, refresh: bool = False) -> int:
        """Remove documents by id (missing ids are ignored); return how many went."""
        ids = list(ids)
        if not ids:
            return 0
        deleted = 0
        serving = ids if self.generations() else []
        for ok, item in streaming_bulk(
            self.client,
            ({"_op_type": "delete", "_index": self.alias, "_id": i} for i in serving),
            chunk_size=BULK_CHUNK,
            raise_on_error=False,
            raise_on_exception=True,
        ):
            result = item.get("delete", {})
            if ok and result.get("result") == "deleted":
                deleted += 1
            elif result.get("status") != 404:
                raise SearchIndexError(f"Elasticsearch не удалил документ: {result}")
        building = self.building()
        if building:
            # A rebuild is loading: leave a tombstone there, so the rebuild
            # cannot bring back what was just deleted.
            self._write_building(
                {
                    "_op_type": "index",
                    "_index": name,
                    "_id": doc_id,
                    "_source": {"id": doc_id, TOMBSTONE_FIELD: True},
                }
                for name in building
                for doc_id in ids
            )
        refreshed = [*([self.alias] if serving else []), *building]
        if refresh and refreshed:
            self.client.indices.refresh(index=",".join(refreshed))
        return deleted

    def rebuild(self, docs: Iterable[SearchDocument]) -> int:
        """Fill a new index generation and swap the alias to it; return the count.

        The old generation keeps answering until the swap, which is one atomic
        alias update; afterwards the old generation is deleted. The new one is
        merged to one segment before the swap. If loading fails, the new
        generation is deleted and the old one stays in place.
        Documents indexed or deleted through :meth:`index`/:meth:`delete`
        while loading reach the new generation too (see the module docstring).
        """
        name = self.create_generation(bulk_load=True)
        try:
            self.client.indices.update_aliases(
                actions=[{"add": {"index": name, "alias": self.building_alias}}]
            )
            count = self._load(docs, name)
            self.finish_generation(name)
            self._drop_tombstones(name)
            # One segment before it serves: the bulk load leaves several, and a
            # merge running under the first queries slows them down for a while.
            self.client.options(request_timeout=MERGE_TIMEOUT).indices.forcemerge(
                index=name, max_num_segments=1
            )
        except BaseException:
            self.client.indices.delete(index=name, ignore_unavailable=True)
            raise
        old = self.swap_alias(name)
        # A deletion between the first sweep and the swap left a tombstone.
        self._drop_tombstones(name)
        if old:
            self.client.indices.delete(index=",".join(old), ignore_unavailable=True)
        return count

    def _load(self, docs: Iterable[SearchDocument], index: str) -> int:
        """Bulk-create ``docs`` in ``index``; ids already there (live writes) win.

        Returns the number of documents read from ``docs``.
        """
        count = 0
        actions = (
            {**action, "_op_type": "create"}
            for action in self._index_actions(docs, index)
        )
        for ok, item in streaming_bulk(
            self.client,
            actions,
            chunk_size=BULK_CHUNK,
            raise_on_error=False,
            raise_on_exception=True,
        ):
            result = item.get("create", {})
            if not ok and result.get("status") != 409:
                raise SearchIndexError(
                    f"Elasticsearch не принял документ: {result.get('error')}"
                )
            count += 1
        return count

    def clear(self) -> None:
        """Delete every index generation of this prefix (and so the alias)."""
        names = self.client.indices.get(
            index=f"{self.alias}-*", allow_no_indices=True, expand_wildcards="all"
        ).body
        if names:
            self.client.indices.delete(index=",".join(names), ignore_unavailable=True)

    # --- reading ---------------------------------------------------------------

    def _text_query(
        self,
        terms: Sequence[analysis.QueryTerm],
        text: str,
        unmatched: frozenset[str] = frozenset(),
    ) -> Q:
        """The text part of a query: every term required, the phrase boosted.

        ``unmatched`` are typed words this request found in no document: a
        corrected term of one of them is its corrections alone.
        """
        fields = [f"{name}^{weight:g}" for name, weight in FIELD_WEIGHTS.items()]
        required = []
        for term in terms:
            alternatives = []
            # A word that matched nothing when this request checked it adds
            # nothing as an alternative: without it, a typo of a common word
            # asks the same as the word itself (one request-cache entry).
            candidates = (
                term.alternatives[1:]
                if term.corrections and term.original[0] in unmatched
                else term.alternatives
            )
            for words in candidates:
                phrase = " ".join(words)
                if len(words) > 1:
                    # A multi-word synonym matches when all its words occur,
                    # in any of the text fields (as in the database backend).
                    alternatives.append(
                        Q(
                            "multi_match",
                            query=phrase,
                            fields=fields,
                            type="cross_fields",
                            operator="and",
                        )
                    )
                else:
                    alternatives.append(
                        Q(
                            "multi_match",
                            query=phrase,
                            fields=fields,
                            zero_terms_query="all",
                        )
                    )
            required.append(
                alternatives[0]
                if len(alternatives) == 1
                else Q("bool", should=alternatives, minimum_should_match=1)
            )
        if any(term.corrections for term in terms):
            # The phrase as meant: each corrected word by its nearest correction.
            text = " ".join(
                term.corrections[0] if term.corrections else " ".join(term.original)
                for term in terms
            )
        phrase_boost = Q(
            "multi_match",
            query=text,
            fields=["title", "names"],
            type="phrase",
            boost=PHRASE_BOOST,
        )
        return Q("bool", must=required, should=[phrase_boost])

    def unknown_words(self, words: Iterable[str]) -> set[str]:
        """Words of 4+ letters that match no indexed document (typo candidates).

        Like the database backend, only words the index does not know get typo
        tolerance: fuzzy matching is the costliest part of a query, and a known
        word is taken as meant. One ``msearch`` round trip for all words.
        """
        return set(self.typo_corrections(words))

    def typo_corrections(self, words: Iterable[str]) -> dict[str, list[str]]:
        """Unknown words of 4+ letters → indexed words close to them ("did you mean").

        One ``msearch`` round trip: per word, whether any document matches it
        and the term suggester's nearest words of the unstemmed ``words`` field
        (same edit limits as the fuzzy query), nearest first. Words found
        known are remembered for ``KNOWN_WORD_SECONDS`` (a word stays known
        while documents hold it), unknown ones with their corrections for
        ``UNKNOWN_WORD_SECONDS``; remembered words skip the trip.
        """
        remembered, unchecked = self._remembered(words)
        if unchecked:
            remembered.update(
                self._read_checks(
                    unchecked, self._msearch(self._word_checks(unchecked))
                )
            )
        return remembered

    def _remembered(
        self, words: Iterable[str]
    ) -> tuple[dict[str, list[str]], list[str]]:
        """Of the words of 4+ letters: remembered unknown ones → their
        corrections, and those not remembered either way (to check)."""
        words = [w for w in dict.fromkeys(words) if analysis.max_edits(w)]
        if not words:
            return {}, []
        known_keys = {word: self._word_key("known", word) for word in words}
        unknown_keys = {word: self._word_key("unknown", word) for word in words}
        found = caches[CACHE_ALIAS].get_many(
            [*known_keys.values(), *unknown_keys.values()]
        )
        remembered: dict[str, list[str]] = {}
        unchecked: list[str] = []
        for word in words:
            if known_keys[word] in found:
                continue
            corrections = found.get(unknown_keys[word])
            if corrections is None:
                unchecked.append(word)
            else:
                remembered[word] = list(corrections)
        return remembered, unchecked

    def _word_checks(self, words: Sequence[str]) -> list[dict[str, Any]]:
        """``msearch`` lines asking, per word, for one match and close words."""
        searches: list[dict[str, Any]] = []
        for word in words:
            searches.append({"index": self.alias})
            searches.append(
                {
                    "query": {"multi_match": {"query": word, "fields": TEXT_FIELDS}},
                    "size": 0,
                    "terminate_after": 1,
                    "track_total_hits": 1,
                    "suggest": {
                        "fix": {
                            "text": word,
                            "term": {
                                "field": WORDS_FIELD,
                                "suggest_mode": "missing",
                                "max_edits": analysis.max_edits(word),
                                "prefix_length": FUZZY_PREFIX,
                                "min_word_length": analysis.TYPO_MIN_LENGTH,
                                "size": CORRECTIONS,
                                "sort": "score",
                            },
                        }
                    },
                }
            )
        return searches

    def _read_checks(
        self, words: Sequence[str], responses: Sequence[Mapping[str, Any]]
    ) -> dict[str, list[str]]:
        """Unknown words → corrections, from the responses of :meth:`_word_checks`;
        both kinds of words are remembered."""
        unknown: dict[str, list[str]] = {}
        found: dict[str, bool] = {}
        for word, response in zip(words, responses, strict=True):
            if response.get("hits", {}).get("total", {}).get("value", 0):
                found[self._word_key("known", word)] = True
                continue
            options = [
                option["text"]
                for entry in response.get("suggest", {}).get("fix", [])
                for option in entry.get("options", [])
            ]
            unknown[word] = [
                option for option in dict.fromkeys(options) if option != word
            ][:CORRECTIONS]
        if found:
            caches[CACHE_ALIAS].set_many(found, KNOWN_WORD_SECONDS)
        if unknown:
            caches[CACHE_ALIAS].set_many(
                {self._word_key("unknown", w): c for w, c in unknown.items()},
                UNKNOWN_WORD_SECONDS,
            )
        return unknown

    def _word_key(self, verdict: str, word: str) -> str:
        digest = hashlib.sha256(f"{self.alias}\n{word}".encode()).hexdigest()[:40]
        return f"qp-search-es-{verdict}:{digest}"

    def _msearch(self, searches: list[dict[str, Any]]) -> list[dict[str, Any]]:
        """One ``msearch`` round trip; the responses trimmed to what is read."""
        response = self.client.msearch(searches=searches, filter_path=_FILTER_PATH)
        responses = response.get("responses")
        if responses is None or len(responses) != len(searches) // 2:
            raise SearchIndexError("Elasticsearch вернул не все ответы поиска")
        return responses

    def search(self, query: SearchQuery) -> SearchResults:
        """Run a query with facets and pagination (see ``search.backends.base``).

        Hits and facet counts are two searches of one ``msearch``: with
        aggregations in the same request Elasticsearch has to score and sort
        every match, which costs several times more than both apart. Typed
        words not yet known to be in the index are checked in the same round
        trip (the query runs as typed meanwhile); only if one of them is
        unknown and has typo candidates does a second trip run the query with
        them. Words remembered as unknown (see :meth:`typo_corrections`) get
        their corrections in the first trip. Responses are read as plain JSON
        trimmed by ``filter_path``.
        """
        active = query.active_filters()
        terms = analysis.analyse_query(query.text) if query.text.strip() else []
        remembered, unchecked = self._remembered(
            t.original[0] for t in terms if len(t.alternatives) == 1
        )
        if any(remembered.values()):
            terms = self._corrected_terms(query.text, remembered)
        searches = self._searches(query, terms, active)
        responses = self._msearch([*searches, *self._word_checks(unchecked)])
        checked = self._read_checks(unchecked, responses[2:]) if unchecked else {}
        if any(checked.values()):
            # Unknown words: their nearest indexed words become alternatives
            # (as on the database backend), and the query runs again.
            terms = self._corrected_terms(query.text, {**remembered, **checked})
            responses = self._msearch(
                self._searches(query, terms, active, frozenset(checked))
            )
        corrected = tuple(
            (term.original[0], correction)
            for term in terms
            for correction in term.corrections
        )
        hits_response, facet_response = responses[0], responses[1]
        for response in (hits_response, facet_response):
            error = response.get("error")
            if error:
                # msearch reports a missing index inside a 200 response.
                if error.get("type") == "index_not_found_exception":
                    return self._empty(query)
                raise SearchIndexError(f"Elasticsearch не выполнил поиск: {error}")
        hits = tuple(
            self._hit(hit, terms)
            for hit in hits_response.get("hits", {}).get("hits", ())
        )
        total, facets = _read_facets(facet_response, active)
        return SearchResults(
            query=query,
            total=total,
            hits=hits,
            facets=facets,
            corrected=corrected,
        )

    @staticmethod
    def _corrected_terms(
        text: str, corrections: Mapping[str, Sequence[str]]
    ) -> list[analysis.QueryTerm]:
        return analysis.analyse_query(
            text,
            lookup_typos=lambda words: {
                word: list(corrections[word]) for word in words if word in corrections
            },
        )

    def _searches(
        self,
        query: SearchQuery,
        terms: Sequence[analysis.QueryTerm],
        active: Mapping[str, Sequence[str]],
        unmatched: frozenset[str] = frozenset(),
    ) -> list[dict[str, Any]]:
        """``msearch`` lines of the hits search and the facet search.

        ``unmatched``: typed words this request found in no document.
        """
        matching: dict[str, Any] | None = None
        if terms:
            # Ties keep index order: extra sort keys after _score would disable
            # Lucene's top-hits shortcuts and cost more than the query.
            matching = self._text_query(terms, query.text, unmatched).to_dict()
        elif query.text.strip():
            # Only stop words: nothing to look for, so nothing is found.
            matching = {"match_none": {}}
        start = min(query.offset, MAX_RESULT_WINDOW)
        stop = min(query.offset + query.page_size, MAX_RESULT_WINDOW)
        # The total comes from the facet search, which visits every match
        # anyway: the hits search only collects the top of the page (Lucene
        # may skip non-competitive documents). Both are cached by the shard
        # request cache until the next refresh.
        filters = [_terms(f, v) for f, v in active.items()]
        hits_body: dict[str, Any] = {
            "from": start,
            "size": stop - start,
            "track_total_hits": False,
            "_source": {"excludes": list(_INTERNAL_FIELDS)},
        }
        # The hits search has no aggregations, so the filters go into the
        # query (no post_filter): Lucene intersects them with the text.
        if filters:
            hits_body["query"] = {
                "bool": {
                    **({"must": [matching]} if matching is not None else {}),
                    "filter": filters,
                }
            }
        elif matching is not None:
            hits_body["query"] = matching
        if matching is None:
            hits_body["sort"] = ["kind_order", "title_sort"]
        facets_body = _facets_body(matching, active)
        header = {"index": self.alias, "request_cache": True}
        return [header, hits_body, header, facets_body]

    @staticmethod
    def _empty(query: SearchQuery) -> SearchResults:
        active = query.active_filters()
        return SearchResults(
            query=query,
            total=0,
            hits=(),
            facets={
                facet: tuple(
                    FacetCount(value=value, count=0, selected=True)
                    for value in sorted(active.get(facet, ()))
                )
                for facet in FACETS
            },
        )

    @staticmethod
    def _hit(hit: Mapping[str, Any], terms: Sequence[analysis.QueryTerm]) -> SearchHit:
        doc = from_source(hit.get("_source", {}))
        score = hit.get("_score")
        return SearchHit(
            id=doc.id,
            kind=doc.kind,
            title=doc.title,
            url=doc.url,
            # Elasticsearch's highlighter re-analyses every hit for fuzzy
            # queries (hundreds of ms); the shared Python excerpt is cheap and
            # the same as the database backend's.
            snippet=analysis.make_snippet(doc.text, terms, SNIPPET_LENGTH),
            score=float(score) if score is not None else 0.0,
            document=doc,
        )

    def suggest(self, prefix: str, limit: int = 10) -> Sequence[Suggestion]:
        """Titles whose title or name has a word starting with ``prefix``."""
        prefix = " ".join(prefix.split())
        if not prefix:
            return []
        try:
            response = self.client.search(
                index=self.alias,
                source=["id", "kind", "title", "url", "extra"],
                suggest={
                    "titles": {
                        "prefix": prefix,
                        "completion": {
                            "field": "suggest",
                            "size": limit,
                            "skip_duplicates": True,
                        },
                    }
                },
                size=0,
                filter_path=_SUGGEST_FILTER_PATH,
            )
        except NotFoundError:
            return []
        suggestions: list[Suggestion] = []
        seen: set[str] = set()
        for entry in response.get("suggest", {}).get("titles", ()):
            for option in entry.get("options", ()):
                source = option.get("_source", {})
                if source.get("id") in seen:
                    continue
                seen.add(source.get("id"))
                suggestions.append(
                    Suggestion(
                        text=source.get("title", ""),
                        kind=source.get("kind", ""),
                        url=source.get("url", ""),
                        id=source.get("id", ""),
                        extra=None if source.get("url") else source.get("extra"),
                    )
                )
        return suggestions[:limit]

    # --- health ----------------------------------------------------------------

    def health(self) -> HealthStatus:
        """Cluster reachable, alias present, analysis plugin installed, count."""
        try:
            cluster = self.client.cluster.health()
            plugins = self.client.nodes.info(metric="plugins")
            missing = [
                node.get("name", node_id)
                for node_id, node in plugins["nodes"].items()
                if PLUGIN_NAME not in {p["name"] for p in node.get("plugins", [])}
            ]
            generations = self.generations()
            documents = (
                int(self.client.count(index=self.alias)["count"])
                if generations
                else None
            )
        except (ApiError, TransportError) as error:
            return HealthStatus(
                backend=self.name,
                ok=False,
                detail=f"Elasticsearch недоступен: {error}",
            )
        problems = []
        if cluster["status"] == "red":
            problems.append("кластер в состоянии red")
        if missing:
            problems.append(
                f"плагин {PLUGIN_NAME} не установлен на узлах: {', '.join(missing)}"
            )
        if not generations:
            problems.append(f"нет индекса за псевдонимом {self.alias}")
        detail = "; ".join(problems) or (
            f"кластер {cluster['status']}, индекс {generations[-1]}, "
            f"документов: {documents}"
        )
        return HealthStatus(
            backend=self.name, ok=not problems, detail=detail, documents=documents
        )


def _facets_body(
    matching: dict[str, Any] | None, active: Mapping[str, Sequence[str]]
) -> dict[str, Any]:
    """The facet search: the total and every facet's counts, size 0.

    A facet counts the matches filtered by every active filter but its own.
    Facets sharing the same filters share one ``filter`` aggregation (all the
    unfiltered facets and the total sit under the filter of every active
    filter; each filtered facet under the others'), so a request with two
    filters evaluates three filters per match instead of eight; without
    filters the facets are plain ``terms`` aggregations and the total is the
    hit count. The text query is in filter context: nothing is scored, and
    the node's query cache may keep its matches for the next facet click.
    """
    filters = {facet: _terms(facet, values) for facet, values in active.items()}
    groups: dict[tuple[str, ...], list[str]] = {}
    for facet in FACETS:
        others = tuple(name for name in active if name != facet)
        groups.setdefault(others, []).append(facet)
    aggs: dict[str, Any] = {}
    for number, (others, facets) in enumerate(groups.items()):
        values = {
            facet: {"terms": {"field": facet, "size": FACET_SIZE}} for facet in facets
        }
        if not others:
            aggs.update(values)
            continue
        name = _ALL_FILTERS if len(others) == len(active) else f"g{number}"
        aggs[name] = {
            "filter": {"bool": {"filter": [filters[facet] for facet in others]}},
            "aggs": values,
        }
    if active and _ALL_FILTERS not in aggs:
        # Every facet is filtered (one per active filter): the total alone.
        aggs[_ALL_FILTERS] = {"filter": {"bool": {"filter": list(filters.values())}}}
    body: dict[str, Any] = {"size": 0, "track_total_hits": not active, "aggs": aggs}
    required = [matching] if matching is not None else []
    if len(filters) >= 2:
        # A document failing two filters counts in no aggregation: only
        # those failing at most one are collected.
        required.append(
            {
                "bool": {
                    "should": list(filters.values()),
                    "minimum_should_match": len(filters) - 1,
                }
            }
        )
    if required:
        body["query"] = {"bool": {"filter": required}}
    return body


def _read_facets(
    response: Mapping[str, Any], active: Mapping[str, Sequence[str]]
) -> tuple[int, dict[str, tuple[FacetCount, ...]]]:
    """The total and the facet counts of a response to :func:`_facets_body`."""
    aggregations = response.get("aggregations", {})
    found: dict[str, Mapping[str, Any]] = {}
    for name, aggregation in aggregations.items():
        if name in FACETS:
            found[name] = aggregation
        else:
            found.update(
                (facet, value)
                for facet, value in aggregation.items()
                if facet in FACETS
            )
    if active:
        total = int(aggregations.get(_ALL_FILTERS, {}).get("doc_count", 0))
    else:
        total = int(response.get("hits", {}).get("total", {}).get("value", 0))
    facets = {}
    for facet in FACETS:
        counts = {
            str(b["key"]): int(b["doc_count"])
            for b in found.get(facet, {}).get("buckets", ())
        }
        selected = set(active.get(facet, ()))
        for value in selected:
            counts.setdefault(value, 0)
        facets[facet] = tuple(
            FacetCount(value=value, count=count, selected=value in selected)
            for value, count in sorted(
                counts.items(), key=lambda item: (-item[1], item[0])
            )
        )
    return total, facets


def _terms(facet: str, values: Sequence[str]) -> dict[str, Any]:
    """Filter on any of ``values`` of a facet."""
    return {"terms": {facet: list(values)}}
