"""Jobs: the poll of a job's result, and its download streamed to disk (``job.save``).

Which operation finishes a job, and what it answers, come from the registry (``Entry.starts_job``, ``media``).
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator, Mapping
from typing import Any

from .._core import limits as L
from .._core import validation as check
from .._core.errors import StabilityError, ValidationError
from .._core.flow import Answer, BodyCutShort, Operation
from .common import _json_object, operation
from .entry import Entry


def result_entry(kind: str) -> Entry:
    """The operation that finishes a job of ``kind`` (the operation that started it)."""
    from .registry import REGISTRY

    finisher = REGISTRY[kind].starts_job
    assert finisher is not None, f"{kind} starts no job"
    return REGISTRY[finisher]


def check_job(kind: Any, job_id: Any) -> None:
    """A job handle's kind (an operation that starts a job) and id, checked before its first poll."""
    from .registry import REGISTRY

    kinds = tuple(name for name, entry in REGISTRY.items() if entry.starts_job)
    if kind is None:  # check.choice lets None through (an argument left out): a job always has a kind
        raise ValidationError("kind", None, "must be one of " + ", ".join(kinds))
    check.choice("kind", kind, kinds)
    check.job_id(job_id)


class DownloadCutShort(BodyCutShort):
    """A streamed result ended before its media did (a body without Content-Length cut off): a broken read."""


class ResultDownload:
    """The checks of a job result streamed to disk (``job.save``), chunk by chunk, in constant memory.

    A saved result is checked like a waited one: an HTML or JSON content type is refused before a byte is
    written, the bytes must be the media the job makes (``MalformedResponseError``, not retried: the same
    request would get the same answer), and a body that ends before its media does raises ``DownloadCutShort``
    (fetched again, like a connection that broke off).
    """

    def __init__(self, kind: str, headers: Mapping[str, str], *, attempt: int = 1, path: Any = None) -> None:
        from .._core.media import MediaCheck

        entry = result_entry(kind)
        self._name = entry.name
        self._headers = headers
        self._attempt = attempt
        self._path = path  # refused, before a byte is written, when its extension names another format
        try:
            self._check = MediaCheck(entry.media or "image", headers.get("content-type"))
        except ValueError as exc:
            raise self.malformed(exc) from None

    def feed(self, chunk: bytes) -> bytes:
        """``chunk``, once it fits the media so far."""
        try:
            self._check.feed(chunk)
        except ValueError as exc:
            raise self.malformed(exc) from None
        if self._path is not None and self._check.format:
            from .._results import check_suffix

            path, self._path = self._path, None
            # As ImageResult.save: never a JPEG under a .png name (converting needs the whole image in memory).
            check_suffix(path, self._check.format, convert="save job.wait() with convert=True")
        return chunk

    def finish(self) -> None:
        """Say the body ended: ``DownloadCutShort`` unless the media is whole."""
        try:
            self._check.finish()
        except ValueError as exc:
            raise DownloadCutShort(f"the body ended early: {exc}") from None

    def malformed(self, exc: Exception) -> StabilityError:
        from .._core.errors import MalformedResponseError

        return MalformedResponseError._of(
            f"the {self._name} answer could not be saved: {exc}", headers=self._headers, attempts=self._attempt
        )


class ResultSink:
    """``job.save``'s ``Sink``: each 200 result body streamed through ``ResultDownload`` into an atomic write.

    The file is complete or absent (and an existing one kept unless ``overwrite``) whatever stops a download:
    ``atomic_write`` removes the temporary file on any error or interrupt, so a download fetched again starts
    from an empty file. ``filtered_in_memory``: a result the API marks as content-filtered is not streamed but
    read into memory (``Answer.saved`` stays None), so that ``ContentFilteredError`` can carry it.
    """

    def __init__(
        self, kind: str, destination: Any, *, path: Any, overwrite: bool, filtered_in_memory: bool = False
    ) -> None:
        self.limit = L.MAX_DOWNLOAD
        self.began = False
        self.attempts = 0
        self._kind = kind
        self._destination = destination
        self._path = path
        self._overwrite = overwrite
        self._filtered_in_memory = filtered_in_memory
        self._download: ResultDownload | None = None

    def accepts(self, headers: Mapping[str, str]) -> bool:
        from .._results import CONTENT_FILTERED

        if self._filtered_in_memory and headers.get("finish-reason") == CONTENT_FILTERED:
            return False
        self.began = True
        self.attempts += 1
        self._download = ResultDownload(self._kind, headers, attempt=self.attempts, path=self._path)
        return True

    def consume(self, chunks: Iterator[bytes]) -> Any:
        from .._files.outputs import atomic_write

        return atomic_write(self._destination, self._checked(chunks), overwrite=self._overwrite)

    async def aconsume(self, chunks: AsyncIterator[bytes]) -> Any:
        from .._files.outputs import atomic_write_async

        return await atomic_write_async(self._destination, self._achecked(chunks), overwrite=self._overwrite)

    def _checked(self, chunks: Iterator[bytes]) -> Iterator[bytes]:
        """``chunks``, each checked before it is written; the last check runs before the file is committed."""
        from .._drivers import BodyTooLarge

        download = self._download
        assert download is not None, "consume() before accepts()"
        try:
            for chunk in chunks:
                yield download.feed(chunk)
        except BodyTooLarge as exc:
            raise download.malformed(exc) from None
        download.finish()

    async def _achecked(self, chunks: AsyncIterator[bytes]) -> AsyncIterator[bytes]:
        from .._drivers import BodyTooLarge

        download = self._download
        assert download is not None, "aconsume() before accepts()"
        try:
            async for chunk in chunks:
                yield download.feed(chunk)
        except BodyTooLarge as exc:
            raise download.malformed(exc) from None
        download.finish()


def job_result(kind: str, job_id: str, *, sink: ResultSink | None = None) -> Operation[Any]:
    """One poll of a job's result: ``Pending`` on 202, ``Done`` with the result on 200 (with ``sink``: what the
    sink saved, or the result in memory when the sink declined it)."""
    from .._core.polling import Done, Pending

    entry = result_entry(kind)
    media = entry.parse
    assert media is not None

    def parse(answer: Answer) -> Any:
        if answer.status == 202:
            from stability_api.models import GenerationInProgress

            return Pending(GenerationInProgress.from_dict(_json_object(answer)).status)
        if answer.status != 200:
            raise ValueError(f"unexpected status {answer.status} for a job result")
        return Done(answer.saved if answer.saved is not None else media(answer))

    return operation(entry, {"job_id": job_id}, parse=parse, job_result=True, sink=sink)
