"""Upload errors (part of the SongforgeError tree; each dialect renders them in its own envelope)."""

from __future__ import annotations

from songforge.errors import InvalidRequest, NotReady, SongforgeError


class UploadForbidden(SongforgeError):
    """The upload target URL's signature is wrong or has expired."""

    code = "forbidden"
    http_status = 403


class UploadTooLarge(InvalidRequest):
    """More bytes than ``storage.max_upload_bytes``."""

    code = "upload_too_large"


class UploadNotReady(NotReady):
    """initialize-clip before the upload finished processing."""

    code = "upload_not_ready"
