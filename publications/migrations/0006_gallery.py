# The Декада results page body gains the gallery of the explanatory notes.

import wagtail.fields
from django.db import migrations

import cms_blocks.blocks.base


class Migration(migrations.Migration):
    dependencies = [
        ("qp_publications", "0005_review"),
        ("qp_evaluation", "0009_explanatory_notes"),
    ]

    operations = [
        migrations.AlterField(
            model_name="decaderesultspage",
            name="body",
            field=wagtail.fields.StreamField(
                [
                    ("text", 0),
                    ("callout", 5),
                    ("document_list", 9),
                    ("regional_plan", 12),
                    ("plan_targets", 14),
                    ("website_monitoring", 17),
                    ("rating_table", 24),
                    ("criterion_chart", 27),
                    ("distribution_chart", 29),
                    ("trend_chart", 30),
                    ("plan_table", 35),
                    ("target_indicators", 38),
                    ("decade_results", 41),
                    ("submissions_tracker", 44),
                    ("decade_gallery", 47),
                ],
                blank=True,
                block_lookup={
                    0: ("cms_blocks.blocks.text.RichTextBlock", (), {}),
                    1: (
                        "wagtail.blocks.CharBlock",
                        (),
                        {"label": "Заголовок", "max_length": 120},
                    ),
                    2: ("wagtail.blocks.TextBlock", (), {"label": "Текст"}),
                    3: (
                        "wagtail.blocks.URLBlock",
                        (),
                        {"label": "Ссылка", "required": False},
                    ),
                    4: (
                        "wagtail.blocks.CharBlock",
                        (),
                        {"label": "Текст ссылки", "max_length": 80, "required": False},
                    ),
                    5: (
                        "wagtail.blocks.StructBlock",
                        [
                            [
                                ("title", 1),
                                ("text", 2),
                                ("link_url", 3),
                                ("link_text", 4),
                            ]
                        ],
                        {},
                    ),
                    6: (
                        "wagtail.blocks.CharBlock",
                        (),
                        {"label": "Заголовок", "max_length": 200, "required": False},
                    ),
                    7: (
                        "wagtail.documents.blocks.DocumentChooserBlock",
                        (),
                        {"label": "Документ"},
                    ),
                    8: (
                        "wagtail.blocks.ListBlock",
                        (7,),
                        {"label": "Документы", "min_num": 1},
                    ),
                    9: (
                        "wagtail.blocks.StructBlock",
                        [[("title", 6), ("documents", 8)]],
                        {},
                    ),
                    10: (
                        "wagtail.blocks.IntegerBlock",
                        (),
                        {
                            "help_text": "Пусто — текущий год (в пределах срока плана).",
                            "label": "Год",
                            "max_value": 2100,
                            "min_value": 2000,
                            "required": False,
                        },
                    ),
                    11: (
                        "wagtail.blocks.BooleanBlock",
                        (),
                        {
                            "default": False,
                            "label": "Только невыполненные пункты",
                            "required": False,
                        },
                    ),
                    12: (
                        "wagtail.blocks.StructBlock",
                        [[("year", 10), ("only_open", 11)]],
                        {},
                    ),
                    13: (
                        "wagtail.blocks.BooleanBlock",
                        (),
                        {
                            "default": True,
                            "label": "Показывать диаграмму",
                            "required": False,
                        },
                    ),
                    14: ("wagtail.blocks.StructBlock", [[("show_chart", 13)]], {}),
                    15: (
                        "wagtail.blocks.ChoiceBlock",
                        [],
                        {
                            "choices": cms_blocks.blocks.base.district_choices,
                            "label": "Район",
                            "required": False,
                        },
                    ),
                    16: (
                        "wagtail.blocks.BooleanBlock",
                        (),
                        {
                            "default": True,
                            "label": "Таблица по организациям",
                            "required": False,
                        },
                    ),
                    17: (
                        "wagtail.blocks.StructBlock",
                        [[("district", 15), ("show_organisations", 16)]],
                        {},
                    ),
                    18: (
                        "cms_blocks.blocks.base.CampaignChooserBlock",
                        (),
                        {"label": "Кампания НОК"},
                    ),
                    19: (
                        "wagtail.blocks.ChoiceBlock",
                        [],
                        {
                            "choices": cms_blocks.blocks.base.district_choices,
                            "help_text": "Показывать только организации района (посетитель может сменить).",
                            "label": "Район",
                            "required": False,
                        },
                    ),
                    20: (
                        "wagtail.blocks.ChoiceBlock",
                        [],
                        {
                            "choices": cms_blocks.blocks.base.kind_choices,
                            "label": "Тип организации",
                            "required": False,
                        },
                    ),
                    21: (
                        "wagtail.blocks.IntegerBlock",
                        (),
                        {
                            "default": 25,
                            "label": "Строк на странице",
                            "max_value": 200,
                            "min_value": 10,
                        },
                    ),
                    22: (
                        "wagtail.blocks.BooleanBlock",
                        (),
                        {
                            "default": True,
                            "label": "Показывать критерии К1–К5",
                            "required": False,
                        },
                    ),
                    23: (
                        "wagtail.blocks.BooleanBlock",
                        (),
                        {
                            "default": True,
                            "label": "Фильтры и сортировка для посетителей",
                            "required": False,
                        },
                    ),
                    24: (
                        "wagtail.blocks.StructBlock",
                        [
                            [
                                ("campaign", 18),
                                ("district", 19),
                                ("kind", 20),
                                ("per_page", 21),
                                ("show_criteria", 22),
                                ("allow_filters", 23),
                            ]
                        ],
                        {},
                    ),
                    25: (
                        "wagtail.blocks.ChoiceBlock",
                        [],
                        {
                            "choices": [
                                ("organisation", "Организация"),
                                ("district", "Район"),
                                ("kind", "Тип организаций"),
                                ("region", "Край в целом"),
                            ],
                            "label": "Для кого",
                        },
                    ),
                    26: (
                        "cms_blocks.blocks.base.OrganisationChooserBlock",
                        (),
                        {"label": "Организация", "required": False},
                    ),
                    27: (
                        "wagtail.blocks.StructBlock",
                        [
                            [
                                ("scope", 25),
                                ("campaign", 18),
                                ("organisation", 26),
                                ("district", 15),
                                ("kind", 20),
                            ]
                        ],
                        {},
                    ),
                    28: (
                        "wagtail.blocks.ChoiceBlock",
                        [],
                        {
                            "choices": [("5", "5 баллов"), ("10", "10 баллов")],
                            "label": "Ширина интервала",
                        },
                    ),
                    29: (
                        "wagtail.blocks.StructBlock",
                        [
                            [
                                ("campaign", 18),
                                ("district", 15),
                                ("kind", 20),
                                ("bin_width", 28),
                            ]
                        ],
                        {},
                    ),
                    30: (
                        "wagtail.blocks.StructBlock",
                        [
                            [
                                ("scope", 25),
                                ("organisation", 26),
                                ("district", 15),
                                ("kind", 20),
                            ]
                        ],
                        {},
                    ),
                    31: (
                        "cms_blocks.blocks.base.CampaignChooserBlock",
                        (),
                        {"label": "По итогам кампании НОК"},
                    ),
                    32: (
                        "cms_blocks.blocks.base.OrganisationChooserBlock",
                        (),
                        {
                            "help_text": "Пусто — планы всех организаций кампании.",
                            "label": "Организация",
                            "required": False,
                        },
                    ),
                    33: (
                        "wagtail.blocks.BooleanBlock",
                        (),
                        {
                            "default": False,
                            "label": "Только просроченные мероприятия",
                            "required": False,
                        },
                    ),
                    34: (
                        "wagtail.blocks.IntegerBlock",
                        (),
                        {
                            "default": 30,
                            "label": "Мероприятий на странице",
                            "max_value": 200,
                            "min_value": 10,
                        },
                    ),
                    35: (
                        "wagtail.blocks.StructBlock",
                        [
                            [
                                ("campaign", 31),
                                ("organisation", 32),
                                ("only_overdue", 33),
                                ("per_page", 34),
                            ]
                        ],
                        {},
                    ),
                    36: (
                        "wagtail.blocks.IntegerBlock",
                        (),
                        {
                            "label": "С года",
                            "max_value": 2100,
                            "min_value": 2000,
                            "required": False,
                        },
                    ),
                    37: (
                        "wagtail.blocks.IntegerBlock",
                        (),
                        {
                            "label": "По год",
                            "max_value": 2100,
                            "min_value": 2000,
                            "required": False,
                        },
                    ),
                    38: (
                        "wagtail.blocks.StructBlock",
                        [[("first_year", 36), ("last_year", 37)]],
                        {},
                    ),
                    39: (
                        "cms_blocks.blocks.base.CampaignChooserBlock",
                        (),
                        {"label": "Декада качества"},
                    ),
                    40: (
                        "wagtail.blocks.IntegerBlock",
                        (),
                        {
                            "default": 30,
                            "label": "Строк на странице",
                            "max_value": 200,
                            "min_value": 10,
                        },
                    ),
                    41: (
                        "wagtail.blocks.StructBlock",
                        [[("campaign", 39), ("district", 15), ("per_page", 40)]],
                        {},
                    ),
                    42: (
                        "cms_blocks.blocks.base.CampaignChooserBlock",
                        (),
                        {"label": "Кампания"},
                    ),
                    43: (
                        "wagtail.blocks.IntegerBlock",
                        (),
                        {
                            "default": 30,
                            "label": "Организаций на странице",
                            "max_value": 200,
                            "min_value": 10,
                        },
                    ),
                    44: (
                        "wagtail.blocks.StructBlock",
                        [[("campaign", 42), ("district", 15), ("per_page", 43)]],
                        {},
                    ),
                    45: (
                        "wagtail.blocks.CharBlock",
                        (),
                        {
                            "default": "Рисунки и фотографии участников Декады",
                            "label": "Заголовок",
                            "max_length": 200,
                            "required": False,
                        },
                    ),
                    46: (
                        "wagtail.blocks.IntegerBlock",
                        (),
                        {
                            "default": 24,
                            "label": "Не больше изображений",
                            "max_value": 100,
                            "min_value": 1,
                        },
                    ),
                    47: (
                        "wagtail.blocks.StructBlock",
                        [[("campaign", 39), ("title", 45), ("max_items", 46)]],
                        {},
                    ),
                },
                help_text="Если таблицы итогов Декады в содержимом нет, она выводится сама.",
                verbose_name="содержимое",
            ),
        ),
    ]
