"""Serving stored private files (supplier documents, offline-record evidence, report
exports) to a caller that has already checked who asks.

Every response carries ``Content-Security-Policy: sandbox`` (a file opened in the browser
runs no script, submits no form and has no origin), ``X-Content-Type-Options: nosniff``
with the exact content type from the extension we gave the file, and no caching. Images
are shown inline; PDFs and everything else are downloads (``Content-Disposition:
attachment``): a browser's built-in PDF viewer does not run in a sandboxed page, and a
downloaded file is opened by the reader outside the site's origin.
"""

from __future__ import annotations

from django.db.models.fields.files import FieldFile
from django.http import FileResponse, Http404

from shop.common.documents import content_type_for

SANDBOX_POLICY = "sandbox; default-src 'none'; img-src 'self'; style-src 'unsafe-inline'"


def private_file_response(file: FieldFile, download_name: str, *, content_type: str | None = None) -> FileResponse:
    """The stored ``file`` as a download named ``download_name`` (plus its extension), or
    inline when it is an image. 404 when the file is missing from storage."""
    if not file or not file.name or not file.storage.exists(file.name):
        raise Http404
    extension = "." + file.name.rsplit(".", 1)[-1].lower() if "." in file.name.rsplit("/", 1)[-1] else ""
    kind = content_type or content_type_for(file.name)
    name = download_name if download_name.lower().endswith(extension) else f"{download_name}{extension}"
    response = FileResponse(
        file.storage.open(file.name, "rb"), content_type=kind,
        as_attachment=not kind.startswith("image/"), filename=name,
    )
    response["Content-Security-Policy"] = SANDBOX_POLICY
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    response["Cross-Origin-Resource-Policy"] = "same-origin"
    return response


