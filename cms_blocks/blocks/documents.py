"""Document blocks: a list of published documents with their metadata."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.documents.blocks import DocumentChooserBlock


class DocumentListBlock(blocks.StructBlock):
    """Chosen documents with kind, number, date, size and format."""

    title = blocks.CharBlock(label=_("Заголовок"), required=False, max_length=200)
    documents = blocks.ListBlock(
        DocumentChooserBlock(label=_("Документ")), label=_("Документы"), min_num=1
    )

    def get_api_representation(self, value, context=None):
        return {
            "title": value.get("title") or "",
            "documents": [
                {
                    "id": document.pk,
                    "title": document.title,
                    "url": document.url,
                    "file_extension": document.file_extension,
                    "file_size": document.get_file_size(),
                    "kind": getattr(document, "kind", ""),
                    "number": getattr(document, "number", ""),
                    "issued_on": document.issued_on.isoformat()
                    if getattr(document, "issued_on", None)
                    else None,
                }
                for document in value.get("documents") or []
                if document is not None
            ],
        }

    class Meta:
        icon = "doc-full-inverse"
        label = _("Список документов")
        template = "cms_blocks/blocks/document_list.html"
        description = _("Приказы, решения, планы и отчёты для скачивания")
        preview_value = {"title": "Документы"}
