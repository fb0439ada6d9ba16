"""Wagtail admin views of spreadsheet imports: upload → preview → confirm → result.

An admin adapter (like ``viewsets``): the import itself lives in
``evaluation.imports``; these views only collect the file, show the report
and call the engine with the user's permission scope.
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.generic import FormView, TemplateView, View
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from evaluation import roles
from evaluation.conf import evaluation_settings
from evaluation.formatting import format_number, plural_form
from evaluation.imports.background import is_large, run_in_background
from evaluation.imports.engine import (
    apply_import,
    claim,
    run_preview,
    save_mapping,
    start_import,
    undo_blocker,
    undo_import,
)
from evaluation.imports.errors import ImportFileError
from evaluation.imports.paper import build_paper_template
from evaluation.imports.permissions import import_scope
from evaluation.imports.sheets import FORMS, get_form
from evaluation.imports.templates import build_template
from evaluation.models import Campaign, ImportRecord, ImportStatus, Organisation
from evaluation.uploads import check_upload_size

ERRORS_SHOWN = 500
NOT_LOADED = "-"  # the «не загружать» choice of the mapping step


class UploadForm(forms.Form):
    form = forms.ChoiceField(
        label=_("Форма"),
        choices=[(name, form.title) for name, form in sorted(FORMS.items())],
    )
    campaign = forms.ModelChoiceField(
        label=_("Кампания"),
        queryset=Campaign.objects.all(),
        required=False,
        help_text=_("Нужна для результатов НОК и анкет Декады."),
    )
    file = forms.FileField(
        label=_("Файл"),
        help_text=_("XLSX, XLS, ODS или CSV (UTF-8 или Windows-1251)."),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        check_upload_size(
            upload.size,
            evaluation_settings.IMPORT_MAX_BYTES,
            filename=upload.name,
            error=forms.ValidationError,
        )
        return upload


def _can_view(user, record: ImportRecord) -> bool:
    """Editors any import; others their own, their organisations' and campaigns'."""
    return roles.can_view_object(user, record)


class ImportUploadView(WagtailAdminTemplateMixin, FormView):
    form_class = UploadForm
    template_name = "evaluation/admin/import_upload.html"
    page_title = _("Загрузка файла")
    header_icon = "upload"

    def get_breadcrumbs_items(self):
        return [*super().get_breadcrumbs_items(), {"url": "", "label": self.page_title}]

    def get_initial(self):
        """``?form=…&campaign=…`` pre-select the form (links from the cabinet)."""
        initial = super().get_initial()
        if self.request.GET.get("form") in FORMS:
            initial["form"] = self.request.GET["form"]
        if self.request.GET.get("campaign", "").isdigit():
            initial["campaign"] = int(self.request.GET["campaign"])
        return initial

    def get_form(self, form_class=None):
        form = super().get_form(form_class)
        if not roles.is_editor(self.request.user):
            # Only campaigns the user takes part in (as institution or operator).
            form.fields["campaign"].queryset = roles.visible_campaigns(
                self.request.user
            )
        return form

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["forms"] = [
            {"name": f.name, "title": f.title, "description": f.description}
            for f in sorted(FORMS.values(), key=lambda f: f.title)
        ]
        context["paper_organisations"] = roles.organisations_of(
            self.request.user
        ).order_by("short_name")
        return context

    def form_valid(self, form):
        form_class = get_form(form.cleaned_data["form"])
        campaign = form.cleaned_data["campaign"]
        upload = form.cleaned_data["file"]
        user = self.request.user
        try:
            scope = import_scope(user, form_class, campaign)
            record = start_import(
                form_class.name,
                upload.read(),
                upload.name,
                campaign=campaign,
                user=user,
                organisation=_single_organisation(user, scope),
            )
        except ImportFileError as error:
            form.add_error("file", str(error))
            return self.form_invalid(form)
        if _in_background(record):
            run_in_background(record, user, "preview")
        else:
            try:
                run_preview(
                    record, user=user, allowed_organisations=scope, keep_refused=False
                )
            except ImportFileError as error:
                form.add_error("file", str(error))
                return self.form_invalid(form)
        return redirect("qp_import_detail", record.pk)


def _single_organisation(user, scope):
    """The uploader's organisation when the scope is exactly one (for history)."""
    if scope is None or len(scope) != 1:
        return None
    return roles.organisations_of(user).filter(pk__in=scope).first()


def _in_background(record: ImportRecord) -> bool:
    return is_large(record.size)


class ImportDetailView(WagtailAdminTemplateMixin, TemplateView):
    """Preview before confirmation, and the result page afterwards."""

    template_name = "evaluation/admin/import_detail.html"
    header_icon = "upload"

    def dispatch(self, request, *args, **kwargs):
        self.record = get_object_or_404(ImportRecord, pk=kwargs["pk"])
        if not _can_view(request.user, self.record):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_page_title(self):
        return f"Импорт: {self.record.filename}"

    def get_breadcrumbs_items(self):
        # Without them Wagtail's header shows only «Главная», not the file.
        return [
            *super().get_breadcrumbs_items(),
            {"url": reverse("qp_import"), "label": ImportUploadView.page_title},
            {"url": "", "label": self.get_page_title()},
        ]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        record = self.record
        pending = _pending(record)
        context.update(
            record=record,
            form_title=FORMS[record.form].title
            if record.form in FORMS
            else record.form,
            errors=record.errors[:ERRORS_SHOWN],
            more_errors=max(0, len(record.errors) - ERRORS_SHOWN),
            can_confirm=record.status == ImportStatus.PREVIEWED and not pending,
            mapping=_mapping_rows(record),
            can_clear=record.form in FORMS
            and FORMS[record.form].can_clear()
            and record.status in MAPPABLE,
            can_map=record.status in MAPPABLE and bool(record.columns),
            pending=pending,
            pending_message=_pending_message(pending),
            diff=_diff_sections(record.rows, record),
            undo_blocker=undo_blocker(record)
            if record.status == ImportStatus.APPLIED
            else None,
            can_undo=record.status == ImportStatus.APPLIED
            and undo_blocker(record) is None,
        )
        return context


MAPPABLE = (ImportStatus.PREVIEWED, ImportStatus.FAILED)


def _pending(record: ImportRecord) -> list[dict]:
    """Columns that hold data and have neither a field nor «не загружать»."""
    return [c for c in record.columns if c.get("data") and c.get("field") is None]


def _pending_message(pending: list[dict]) -> str:
    """Why the file cannot be loaded yet and what to do, in Russian."""
    if not pending:
        return ""
    listed = ", ".join(f"{c['letter']} «{c['header']}»" for c in pending)
    noun = plural_form(len(pending), "столбце", "столбцах", "столбцах")
    return (
        f"Загрузить файл пока нельзя: в {noun} {listed} есть данные, но не выбрано, "
        "куда их загружать. Выберите в разделе «Сопоставление столбцов» поле формы "
        "или «не загружать» и нажмите «Сохранить сопоставление»."
    )


def _mapping_rows(record: ImportRecord) -> list[dict]:
    """The mapping step: each unknown column with its choices, the stored one
    selected (``""``: not chosen, ``"-"``: «не загружать»)."""
    if record.form not in FORMS:
        return []
    fields = [(f.key, f.title) for f in FORMS[record.form].fields]
    rows = []
    for column in record.columns:
        chosen = column.get("field")
        options = column.get("options")  # a header that fits several fields
        rows.append(
            {
                **column,
                "name": f"column-{column['column']}",
                "selected": NOT_LOADED if chosen == "" else (chosen or ""),
                "choices": [f for f in fields if f[0] in options]
                if options
                else fields,
            }
        )
    return rows


def _diff_sections(rows: dict, record: ImportRecord) -> list[dict]:
    """The preview's new, changed and unchanged rows with their counts."""
    if not rows:
        return []
    sections = []
    for kind, title, total in (
        ("new", "Новые строки", record.new_rows),
        ("updated", "Изменённые строки", record.updated_rows),
        ("unchanged", "Строки без изменений", record.unchanged_rows),
    ):
        shown = rows.get(kind, [])
        if not total:
            continue
        sections.append(
            {
                "kind": kind,
                "title": f"{title} ({format_number(total, places=0)})",
                "rows": shown,
                "more": (
                    f"Показаны первые {format_number(len(shown), places=0)} "
                    f"из {format_number(total, places=0)}."
                    if total > len(shown)
                    else ""
                ),
            }
        )
    return sections


class _RecheckView(View):
    """A choice made on the preview page, then the stored file checked again
    with it: the preview shows its effect before anything is written."""

    #: The message's end when the file is past its preview.
    locked = ""

    def post(self, request, pk):
        record = get_object_or_404(ImportRecord, pk=pk)
        if not _can_view(request.user, record):
            raise PermissionDenied
        if record.status not in MAPPABLE:
            messages.error(
                request,
                f"Файл уже {record.get_status_display().lower()}: {self.locked}.",
            )
            return redirect("qp_import_detail", pk)
        try:
            scope = import_scope(request.user, get_form(record.form), record.campaign)
            changed = self.choose(request, record)
        except ImportFileError as error:
            messages.error(request, str(error))
            return redirect("qp_import_detail", pk)
        record.status = ImportStatus.RUNNING
        record.progress_stage = "В очереди"
        record.save(update_fields=["status", "progress_stage", *changed])
        if _in_background(record):
            run_in_background(record, request.user, "preview")
            return redirect("qp_import_detail", pk)
        try:
            run_preview(record, user=request.user, allowed_organisations=scope)
        except ImportFileError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, self.done(record))
        return redirect("qp_import_detail", pk)

    def choose(self, request, record: ImportRecord) -> list[str]:
        """Store the user's choice; return the record's fields it changed."""
        raise NotImplementedError

    def done(self, record: ImportRecord) -> str:
        raise NotImplementedError


class ImportMappingView(_RecheckView):
    """The mapping step: remember the user's choice for each unknown column
    and check the stored file again with it."""

    locked = "сопоставление столбцов больше не меняется"

    def choose(self, request, record):
        for column in record.columns:
            choice = request.POST.get(f"column-{column['column']}", "")
            if choice:
                save_mapping(
                    record.form,
                    record.organisation,
                    column["header"],
                    "" if choice == NOT_LOADED else choice,
                    user=request.user,
                )
        return []

    def done(self, record):
        return "Сопоставление сохранено, файл проверен заново."


class ImportOptionsView(_RecheckView):
    """The preview's «Пустые ячейки очищают сохранённые значения»: remember
    the choice on the record and check the stored file again with it, so the
    preview shows what would be cleared and the confirmation does it."""

    locked = "настройки загрузки больше не меняются"

    def choose(self, request, record):
        record.clears_empty = request.POST.get("clears_empty") == "on"
        return ["clears_empty"]

    def done(self, record):
        if record.clears_empty:
            return "Файл проверен заново: пустые ячейки очищают сохранённые значения."
        return "Файл проверен заново: пустые ячейки сохраняют прежние значения."


class ImportConfirmView(View):
    def post(self, request, pk):
        record = get_object_or_404(ImportRecord, pk=pk)
        if not _can_view(request.user, record):
            raise PermissionDenied
        pending = _pending(record)
        if pending and record.status in MAPPABLE:
            messages.error(request, _pending_message(pending))
            return redirect("qp_import_detail", pk)
        try:
            scope = import_scope(request.user, get_form(record.form), record.campaign)
        except ImportFileError as error:
            messages.error(request, str(error))
            return redirect("qp_import_detail", pk)
        if _in_background(record):
            if not claim(record, "В очереди на загрузку"):
                messages.error(request, "Этот файл уже загружается или загружен.")
                return redirect("qp_import_detail", pk)
            run_in_background(record, request.user, "apply")
            return redirect("qp_import_detail", pk)
        try:
            report = apply_import(
                record, user=request.user, allowed_organisations=scope
            )
        except ImportFileError as error:
            messages.error(request, str(error))
            return redirect("qp_import_detail", pk)
        if report.applied:
            messages.success(
                request,
                f"Загружено: новых {report.new}, изменено {report.updated}, "
                f"без изменений {report.unchanged}.",
            )
        else:
            messages.error(
                request, "Файл не загружен: при повторной проверке найдены ошибки."
            )
        return redirect("qp_import_detail", pk)


class ImportStatusView(View):
    """JSON progress of one import, polled by the detail page."""

    def get(self, request, pk):
        record = get_object_or_404(ImportRecord, pk=pk)
        if not _can_view(request.user, record):
            raise PermissionDenied
        return JsonResponse(
            {
                "status": record.status,
                "status_label": record.get_status_display(),
                "stage": record.progress_stage,
                "done": record.progress_done,
                "total": record.progress_total,
                "percent": record.progress_percent,
            }
        )


class ImportUndoView(View):
    def post(self, request, pk):
        record = get_object_or_404(ImportRecord, pk=pk)
        if not roles.is_editor(request.user):
            raise PermissionDenied
        try:
            reverted = undo_import(record, user=request.user)
        except ImportFileError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, f"Импорт отменён: возвращено строк {reverted}.")
        return redirect("qp_import_detail", pk)


class ImportTemplateView(View):
    def get(self, request, name):
        try:
            form = get_form(name)
        except KeyError as error:
            raise PermissionDenied(error.args[0]) from None
        response = HttpResponse(
            build_template(form),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
        response["Content-Disposition"] = f'attachment; filename="{form.name}.xlsx"'
        return response


class ImportPaperTemplateView(View):
    """The typing template of an organisation's printed questionnaire (its
    editors and its own users only)."""

    def get(self, request, organisation):
        found = get_object_or_404(Organisation, pk=organisation)
        if not (
            roles.is_editor(request.user)
            or roles.organisations_of(request.user).filter(pk=found.pk).exists()
        ):
            raise PermissionDenied
        response = HttpResponse(
            build_paper_template(found),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
        response["Content-Disposition"] = (
            f'attachment; filename="ankety-{found.code or found.pk}.xlsx"'
        )
        return response


def import_urls():
    from django.urls import path

    return [
        path("import/", ImportUploadView.as_view(), name="qp_import"),
        path("import/<int:pk>/", ImportDetailView.as_view(), name="qp_import_detail"),
        path(
            "import/<int:pk>/confirm/",
            ImportConfirmView.as_view(),
            name="qp_import_confirm",
        ),
        path(
            "import/paper/<int:organisation>/",
            ImportPaperTemplateView.as_view(),
            name="qp_import_paper_template",
        ),
        path(
            "import/<int:pk>/options/",
            ImportOptionsView.as_view(),
            name="qp_import_options",
        ),
        path(
            "import/<int:pk>/columns/",
            ImportMappingView.as_view(),
            name="qp_import_mapping",
        ),
        path("import/<int:pk>/undo/", ImportUndoView.as_view(), name="qp_import_undo"),
        path(
            "import/<int:pk>/status/",
            ImportStatusView.as_view(),
            name="qp_import_status",
        ),
        path(
            "import/template/<str:name>.xlsx",
            ImportTemplateView.as_view(),
            name="qp_import_template",
        ),
    ]


def upload_url() -> str:
    return reverse("qp_import")
