"""Private files: uploads kept out of the public media URL and served by policy.

Original spreadsheets, owed documents, evidence, objections' attachments,
note images and documents under the council's review are stored in the
``private`` storage (``STORAGES["private"]``, ``QP_PRIVATE_ROOT`` on disk,
outside ``MEDIA_ROOT``) under generated names that cannot be guessed. Their
``.url`` is ``/files/<name>``, answered by :func:`serve` only after the owner
of the file (the model row that holds it) says the user may read it: the
same :mod:`evaluation.roles` policy as every other screen. Anyone else, the
anonymous public included, gets a 404, as for a file that does not exist.

Apps register what they store with :func:`register` (the first folder of a
name says whose it is). With ``QP_PRIVATE_FILES_ACCEL`` set (for example
``/_private/``), the view hands the transfer to nginx with ``X-Accel-Redirect``
to an ``internal`` location that aliases ``QP_PRIVATE_ROOT``.
"""

from __future__ import annotations

import contextlib
import mimetypes
import os
import posixpath
import secrets
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import BinaryIO

from django.core.files import File
from django.core.files.storage import Storage, storages
from django.db.models import Model
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.deconstruct import deconstructible
from django.utils.encoding import iri_to_uri
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_safe

from evaluation import roles
from evaluation.conf import evaluation_settings


def private_storage() -> Storage:
    """The storage of private files (a callable, so settings can change it)."""
    return storages["private"]


def write_whole(name: str, write: Callable[[BinaryIO], object]) -> None:
    """Store the private file ``name`` whole or not at all.

    ``write`` writes the content to a binary file. On a file system it goes
    to a temporary name beside the target and is renamed into place, so a
    reader never sees half a file; other storages get it from a temporary
    file in one ``save``.
    """
    storage = private_storage()
    try:
        path = Path(storage.path(name))
    except NotImplementedError:
        with tempfile.TemporaryFile() as scratch:
            write(scratch)
            scratch.seek(0)
            storage.save(name, File(scratch, name=posixpath.basename(name)))
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, partial = tempfile.mkstemp(dir=path.parent, prefix=".part-")
    try:
        with os.fdopen(handle, "wb") as file:
            write(file)
        os.replace(partial, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(partial)
        raise


@deconstructible
class PrivateName:
    """``upload_to`` for private files: ``<folder>/<year>/<random>.<ext>``.

    The uploader's file name is never part of the stored name (it is kept,
    where a model needs it, in a field of its own); the random part has 128
    bits, so a name cannot be guessed or enumerated.
    """

    def __init__(self, folder: str) -> None:
        self.folder = folder

    def __call__(self, instance: Model, filename: str) -> str:
        return random_name(self.folder, filename)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, PrivateName) and other.folder == self.folder

    def __hash__(self) -> int:
        return hash(self.folder)


def random_name(folder: str, filename: str) -> str:
    """A fresh non-guessable name in ``folder`` keeping ``filename``'s extension."""
    suffix = PurePosixPath(filename or "").suffix.lower()
    if not suffix[1:].isalnum() or len(suffix) > 8:
        suffix = ""
    year = timezone.localdate().year
    return f"{folder}/{year}/{secrets.token_hex(16)}{suffix}"


# --------------------------------------------------------------------------
# Who owns which files


@dataclass(frozen=True)
class Owner:
    """A model field holding private files and who may read them."""

    model: type[Model]
    field: str
    can_view: Callable[[object, Model], bool]
    download_name: Callable[[Model], str] | None = None
    public: Callable[[Model], bool] | None = None


_OWNERS: dict[str, Owner] = {}


def register(
    folder: str,
    model: type[Model],
    field: str,
    can_view: Callable[[object, Model], bool] = roles.can_view_object,
    *,
    download_name: Callable[[Model], str] | None = None,
    public: Callable[[Model], bool] | None = None,
) -> None:
    """Declare that files under ``folder/`` belong to ``model.field``.

    ``can_view(user, obj)`` decides who may download (default: the roles
    policy's :func:`~evaluation.roles.can_view_object`); ``public(obj)``, when
    given, lets anyone read a file whose row is published (a gallery image, a
    document the council approved).
    """
    _OWNERS[folder] = Owner(model, field, can_view, download_name, public)


def owners() -> dict[str, Owner]:
    """Every registered folder and its owner (for the data migration and tests)."""
    return dict(_OWNERS)


def owner_of(name: str) -> tuple[Owner, Model] | None:
    """The owner and the row holding the private file ``name``, if any."""
    folder = name.split("/", 1)[0]
    owner = _OWNERS.get(folder)
    if owner is None:
        return None
    row = owner.model._default_manager.filter(**{owner.field: name}).first()
    return None if row is None else (owner, row)


def may_read(user, name: str) -> bool:
    """Whether ``user`` may download the private file ``name``."""
    found = owner_of(name)
    if found is None:
        return False
    owner, row = found
    if owner.public is not None and owner.public(row):
        return True
    return bool(owner.can_view(user, row))


# --------------------------------------------------------------------------
# The download view


@require_safe
def serve(request: HttpRequest, name: str) -> HttpResponse:
    """Send a private file to a user the policy allows; 404 for everyone else."""
    name = posixpath.normpath(name).lstrip("/")
    if name.startswith("..") or "\\" in name:
        raise Http404
    found = owner_of(name)
    if found is None:
        raise Http404
    owner, row = found
    is_public = owner.public is not None and owner.public(row)
    if not is_public and not owner.can_view(request.user, row):
        raise Http404
    storage = private_storage()
    filename = (
        owner.download_name(row) if owner.download_name else posixpath.basename(name)
    )
    accel = evaluation_settings.PRIVATE_FILES_ACCEL
    if accel:
        response = HttpResponse()
        response["X-Accel-Redirect"] = iri_to_uri(accel.rstrip("/") + "/" + name)
        response["Content-Type"] = (
            mimetypes.guess_type(name)[0] or "application/octet-stream"
        )
        response["Content-Disposition"] = content_disposition_header(True, filename)
    else:
        if not storage.exists(name):
            raise Http404
        response = FileResponse(
            storage.open(name, "rb"), as_attachment=True, filename=filename
        )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "public, max-age=3600" if is_public else "private"
    response.headers.setdefault("Vary", "Cookie")
    return response


# --------------------------------------------------------------------------
# Moving files stored before this module existed


def move_public_files(apps, model_label: str, field: str, folder: str) -> int:
    """Move ``model.field`` files from the public media storage to private names.

    For data migrations: each file still in the default (public) storage is
    copied to the private storage under a fresh random name, the row is
    pointed at it and the public copy deleted. Rows whose file is already
    private or missing are left alone. Returns how many files moved.
    """
    model = apps.get_model(model_label)
    public, private = storages["default"], private_storage()
    moved = 0
    rows = model._default_manager.exclude(**{field: ""}).values_list("pk", field)
    for pk, name in rows.iterator():
        if not name or not public.exists(name) or private.exists(name):
            continue
        with public.open(name, "rb") as source:
            new_name = private.save(random_name(folder, name), source)
        model._default_manager.filter(pk=pk).update(**{field: new_name})
        public.delete(name)
        moved += 1
    return moved


# --------------------------------------------------------------------------
# The evaluation app's own files


def _reads_organisation(user, organisation) -> bool:
    """Editors, council members and the organisation's own users."""
    return (
        roles.is_editor(user)
        or roles.is_council_member(user)
        or roles.can_manage_organisation(user, organisation)
    )


def register_evaluation_files() -> None:
    """Declare the evaluation app's private files (called from ``ready()``)."""
    from evaluation.models import (
        ImportRecord,
        InstructionAddressee,
        MeasureReport,
        NoteAttachment,
        Objection,
        Submission,
    )

    register("imports", ImportRecord, "file", download_name=lambda row: row.filename)
    register("submissions", Submission, "file")
    register(
        "instructions",
        InstructionAddressee,
        "answer_file",
        lambda user, row: (
            roles.is_editor(user)
            or roles.can_manage_organisation(user, row.organisation)
        ),
        download_name=lambda row: row.answer_filename or "otvet",
    )
    register("evidence", MeasureReport, "evidence")
    register(
        "objections",
        Objection,
        "attachment",
        lambda user, row: _reads_organisation(user, row.organisation),
    )
    register(
        "notes",
        NoteAttachment,
        "image",
        lambda user, row: _reads_organisation(user, row.note.organisation),
        public=lambda row: row.is_public,
    )
