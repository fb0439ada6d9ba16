"""Open datasets declare their columns as django-import-export Resources, and
the files are encoded through them."""

from __future__ import annotations

from decimal import Decimal

from evaluation.opendata import exports
from evaluation.opendata.exports import ColumnField, ColumnType, OpenDataResource
from evaluation.opendata.readers.organisations import OrganisationsResource
from evaluation.opendata.registry import registry as dataset_registry


class Figures(OpenDataResource):
    name = ColumnField("name", "Организация")
    score = ColumnField("score", "Итоговый балл", ColumnType.DECIMAL, unit="балл")
    place = ColumnField("place", "Место", ColumnType.INTEGER)

    class Meta:
        fields = ("name", "score", "place")

    def dehydrate_place(self, row):
        return row["rank"] + 1


def test_a_declared_resource_gives_the_dictionary_and_the_values_row_by_row() -> None:
    assert [(c.key, c.title_ru, c.type, c.unit) for c in Figures.columns()] == [
        ("name", "Организация", "string", ""),
        ("score", "Итоговый балл", "decimal", "балл"),
        ("place", "Место", "integer", ""),
    ]
    rows = iter([{"name": "КЦСОН «Забота»", "score": Decimal("89.28"), "rank": 0}])
    values = Figures().values(rows)
    assert next(values) == {
        "name": "КЦСОН «Забота»",
        "score": Decimal("89.28"),
        "place": 1,
    }
    csv = exports.to_csv(
        Figures.columns(),
        Figures().values([{"name": "=1+1", "score": Decimal("7.5"), "rank": 2}]),
    )
    assert csv.decode("utf-8-sig").splitlines() == [
        "Организация;Итоговый балл;Место",
        "'=1+1;7,5;3",
    ]


def test_every_dataset_is_encoded_through_a_resource_declaring_its_columns() -> None:
    registry = dataset_registry()
    organisations = registry["organisations"]
    assert organisations.resource_class is OrganisationsResource
    assert organisations.columns == OrganisationsResource.columns()
    for dataset in registry.values():
        resource = dataset.resource_class
        assert issubclass(resource, OpenDataResource)
        assert resource.columns() == dataset.columns
