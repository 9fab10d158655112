"""Upload handling before any view runs: a file over the size limit is never written out in full."""

from __future__ import annotations

import io
from typing import Any

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.core.files.uploadhandler import FileUploadHandler


class OversizedUpload(UploadedFile):
    """A file that went over TUTELA_UPLOAD_MAX_BYTES: its name and real size, none of its content.
    upload_validate refuses it with the size message, like any other file over the limit."""

    def __init__(self, name: str, content_type: str, size: int) -> None:
        super().__init__(io.BytesIO(b""), name, content_type, size)


class UploadSizeLimitHandler(FileUploadHandler):
    """First of FILE_UPLOAD_HANDLERS: counts the bytes of the files of a request and, past the limit, stops
    handing them on to the memory and temporary-file handlers, so no request (not even an anonymous one with
    a CSRF cookie, whose body the CSRF check parses) can fill the disk. Django's DATA_UPLOAD_MAX_MEMORY_SIZE
    does not count files; the reverse proxy should still cap request bodies (ADR 0010)."""

    def __init__(self, request: Any = None) -> None:
        super().__init__(request)
        self.request_bytes = 0
        self.file_bytes = 0
        self.over_limit = False

    def new_file(self, *args: Any, **kwargs: Any) -> None:
        super().new_file(*args, **kwargs)
        self.file_bytes = 0
        self.over_limit = False

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes | None:
        self.file_bytes += len(raw_data)
        self.request_bytes += len(raw_data)
        if self.request_bytes > settings.TUTELA_UPLOAD_MAX_BYTES:
            self.over_limit = True
        return None if self.over_limit else raw_data

    def file_complete(self, file_size: int) -> UploadedFile | None:
        if not self.over_limit:
            return None  # the next handler (memory or temporary file) holds the content
        # Over the limit on its own or together with the files before it: either way refused by its size.
        size = max(self.file_bytes, settings.TUTELA_UPLOAD_MAX_BYTES + 1)
        return OversizedUpload(self.file_name or "", self.content_type or "", size)
