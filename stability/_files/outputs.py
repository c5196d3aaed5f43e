"""File outputs: destination checks and atomic writes.

Outputs are written to a hidden temporary file in the destination's directory and moved into place only once
complete, so an interrupted download never leaves a half-written image under the name the caller asked for.
"""

from __future__ import annotations

import errno
import os
import secrets
import stat
from collections.abc import AsyncIterable, Iterable
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO, Final

from .._core.errors import InvalidFileError, SaveError

if TYPE_CHECKING:
    pass


def check_destination(path: str | os.PathLike[str], *, overwrite: bool) -> Path:
    """Check that an output can be written to ``path``; call it before paying for the output.

    The directory part is resolved (links followed). Without ``overwrite`` the name itself must not exist in
    any form, a symbolic link included, even one whose target is missing: a save never writes through a link
    it was not allowed to replace. With ``overwrite`` an existing link is followed and its target replaced, but
    only a regular file is ever replaced: never a device, a FIFO or a socket.

    Returns:
        The absolute path to write.

    Raises:
        FileExistsError: ``path`` exists and ``overwrite`` is false.
        InvalidFileError: ``path`` is not a path, holds a NUL byte or a character the file system cannot
            encode, is a directory or ends with a path separator, is too long, runs into a loop of symbolic
            links, is (or leads to) something other than a regular file, or its directory does not exist or
            cannot be written to (field ``path``).
    """
    try:
        shown = os.fsdecode(path)
    except TypeError:
        raise InvalidFileError("path", path, "must be a file path (str or os.PathLike)") from None
    try:
        if "\x00" in shown:
            raise ValueError("embedded null byte")
        os.fsencode(shown)  # pathlib's checks answer False for a path the file system cannot take; say why
        given = Path(shown)
        named = given.parent.resolve() / given.name
        dest = named.resolve() if overwrite else named
        if dest.is_dir():
            raise InvalidFileError("path", shown, f"is a directory; {_FILE_WANTED}")
        if (ending := _directory_ending(shown)) is not None:
            # Path() drops a trailing separator, so without this "out/" would write a file called "out".
            raise InvalidFileError("path", shown, f"ends with {ending}, so it names a directory; {_FILE_WANTED}")
        if not dest.parent.is_dir():
            what = "is not a directory" if dest.parent.exists() else "does not exist"
            raise InvalidFileError("path", shown, f"the directory {dest.parent} {what}")
        if not overwrite and os.path.lexists(dest):
            raise _exists(dest)
        if overwrite and (other := _not_a_regular_file(dest)):
            leads = "" if dest == named else f" (it leads to {dest})"
            raise InvalidFileError("path", shown, f"is {other}{leads}; only a regular file is ever replaced")
        unwritable = _unwritable(dest.parent)
    except RuntimeError:  # Path.resolve() on a loop of symbolic links, before Python 3.13
        raise InvalidFileError("path", shown, _LOOP) from None
    except ValueError as exc:  # a NUL byte, a lone surrogate (InvalidFileError is a ValueError too)
        if isinstance(exc, InvalidFileError):
            raise
        raise InvalidFileError("path", shown, _bad_path(exc)) from None
    except FileExistsError:
        raise
    except OSError as exc:  # a name too long, a loop of links, a directory that cannot be searched
        rule = _LOOP if exc.errno == errno.ELOOP else f"cannot be used: {exc.strerror or exc}"
        raise InvalidFileError("path", shown, rule) from None
    if unwritable:
        raise InvalidFileError("path", shown, f"the directory {dest.parent} {unwritable}")
    return dest


_LOOP: Final = "cannot be used: it runs into a loop of symbolic links"
_FILE_WANTED: Final = "give the path of a file to write"


def _directory_ending(path: str) -> str | None:
    """How ``path`` ends when that makes it name a directory (a separator, ``.`` or ``..``), else None."""
    if os.altsep:
        path = path.replace(os.altsep, os.sep)
    last = path.rpartition(os.sep)[2]
    if last in (".", ".."):
        return repr(last)
    return "a path separator" if not last and path else None


def _not_a_regular_file(dest: Path) -> str | None:
    """What ``dest`` is when it exists and is not a regular file (``a FIFO``...), else None.

    os.replace() would put the new file in its place: a device node, a FIFO or a socket is never an earlier
    output, and replacing one (``/dev/null`` when run as root) breaks whatever uses it.
    """
    try:
        mode = os.stat(dest).st_mode
    except FileNotFoundError:
        return None
    return None if stat.S_ISREG(mode) else _kind(mode)


def _kind(mode: int) -> str:
    for test, name in (
        (stat.S_ISCHR, "a character device"),
        (stat.S_ISBLK, "a block device"),
        (stat.S_ISFIFO, "a named pipe (FIFO)"),
        (stat.S_ISSOCK, "a socket"),
    ):
        if test(mode):
            return name
    return "not a regular file"


def _unwritable(directory: Path) -> str | None:
    """Why no file can be created in ``directory``, or None; so that a save that must fail fails before the
    output is paid for (the CLI checks ``-o`` with this before it calls the API)."""
    if os.name == "nt":  # Windows' access() reports a read-only attribute that directories ignore
        return None
    if os.access(directory, os.W_OK | os.X_OK, effective_ids=os.access in os.supports_effective_ids):
        return None
    try:
        if os.statvfs(directory).f_flag & os.ST_RDONLY:
            return "is on a read-only file system"
    except OSError:
        pass
    return "cannot be written to (permission denied)"


def _exists(dest: Path) -> FileExistsError:
    return FileExistsError(f"{dest} already exists; pass overwrite=True to replace it")


def _save_error(exc: OSError, dest: Path) -> SaveError:
    if exc.errno is None:
        return SaveError(f"could not save {dest}: {exc}; nothing was saved")
    return SaveError(exc.errno, f"{exc.strerror or exc}; nothing was saved", os.fspath(dest))


# The temporary file's name keeps this many bytes of the destination's name: with the dot, the random part and
# ``.part`` it stays far below the 255 bytes most file systems allow, whatever the name's characters.
_TEMP_NAME_BYTES: Final = 100


def _shortened(name: str, limit: int) -> str:
    """The longest start of ``name`` whose file-system encoding fits in ``limit`` bytes, cut between characters."""
    kept = 0
    for index, char in enumerate(name):
        try:
            kept += len(os.fsencode(char))
        except UnicodeError:
            kept += 4
        if kept > limit:
            return name[:index]
    return name


class _AtomicWriter:
    """One atomic write: a hidden temporary file beside the destination, moved into place by :meth:`commit`.

    :meth:`create` it, :meth:`write` to it, :meth:`commit` it; :meth:`abort` in a ``finally`` removes whatever is
    left. Interrupt-safe: :func:`atomic_write` calls :meth:`abort` in a ``finally`` (and again if that is interrupted),
    and the temporary name is recorded before the file exists, so a ``KeyboardInterrupt`` or a cancellation at
    any moment leaves no temporary file. Only the file object ever holds the temporary file's descriptor, so it
    is closed exactly once, even when an interrupt drops the object (its finalizer closes it).
    """

    def __init__(self, path: str | os.PathLike[str], *, overwrite: bool) -> None:
        self._dest = check_destination(path, overwrite=overwrite)
        self._overwrite = overwrite
        self._temp: Path | None = None
        self._file: BinaryIO | None = None

    def create(self) -> None:
        """Create the temporary file."""
        stem = _shortened(self._dest.name, _TEMP_NAME_BYTES)
        for _ in range(100):
            temp = self._dest.with_name(f".{stem}.{secrets.token_hex(4)}.part")
            self._temp = temp  # before it exists: an interrupt just after the open still finds it to remove
            try:
                # "x" is O_CREAT | O_EXCL; open() gives 0666 less the umask, the permissions of any new file
                # (tempfile.mkstemp's 0600 would survive the rename).
                self._file = open(temp, "xb")
            except FileExistsError:
                self._temp = None  # another writer's file
                continue
            except OSError as exc:
                self._temp = None
                raise _save_error(exc, self._dest) from exc
            return
        raise SaveError(errno.EEXIST, "could not create a temporary file; nothing was saved", os.fspath(self._dest))

    def write(self, chunk: bytes) -> None:
        assert self._file is not None, "write() after commit() or abort()"
        try:
            self._file.write(chunk)
        except OSError as exc:  # the disk is full, an I/O error, a file size limit
            raise _save_error(exc, self._dest) from exc

    def commit(self) -> Path:
        assert self._file is not None and self._temp is not None, "commit() after commit() or abort()"
        try:
            self._file.flush()
            os.fsync(self._file.fileno())
            self._file.close()
            self._file = None
            if self._overwrite:
                self._refuse_other_files()
                os.replace(self._temp, self._dest)
            else:
                self._move_without_clobbering(self._temp)
        except (FileExistsError, SaveError):
            raise
        except OSError as exc:
            raise _save_error(exc, self._dest) from exc
        self._temp = None
        _sync_directory(self._dest.parent)
        return self._dest

    def _refuse_other_files(self) -> None:
        """check_destination saw a regular file or nothing; a device, FIFO or socket put there since (a job's
        download can take minutes) must not be replaced either. A link is fine: os.replace() replaces the link
        itself, never what it points to, and a directory makes os.replace() fail on its own."""
        try:
            mode = os.lstat(self._dest).st_mode
        except FileNotFoundError:
            return
        if not (stat.S_ISREG(mode) or stat.S_ISLNK(mode) or stat.S_ISDIR(mode)):
            raise SaveError(
                errno.EEXIST,
                f"{_kind(mode)} took its place while the output was being written, and only a regular file is "
                "ever replaced; nothing was saved",
                os.fspath(self._dest),
            )

    def _move_without_clobbering(self, temp: Path) -> None:
        try:
            os.link(temp, self._dest)  # fails if the destination appeared since check_destination
        except FileExistsError:
            raise _exists(self._dest) from None
        except OSError:  # no hard links on this file system (FAT, some network and container mounts)
            if os.name == "nt":
                try:
                    os.rename(temp, self._dest)  # Windows' rename refuses an existing destination
                except FileExistsError:
                    raise _exists(self._dest) from None
            else:
                if os.path.lexists(self._dest):
                    raise _exists(self._dest) from None
                os.replace(temp, self._dest)
            return
        try:
            os.unlink(temp)
        except OSError:
            pass  # the image is in place; a stray temporary name is not worth failing the write for

    def abort(self) -> None:
        """Close and remove the temporary file, if any; it is finished even when an interrupt breaks into it."""
        try:
            self._discard()
        except BaseException:
            self._discard()
            raise

    def _discard(self) -> None:
        file, temp = self._file, self._temp
        if file is not None:
            try:
                file.close()
            except OSError:
                pass
            self._file = None
        if temp is not None:
            try:
                os.unlink(temp)
            except OSError:
                pass  # already gone (moved into place), or it cannot be removed: nothing more to do
            self._temp = None


def _sync_directory(directory: Path) -> None:
    # Makes the rename itself durable; Windows cannot open a directory, and some file systems refuse to sync one.
    if os.name == "nt":
        return
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def atomic_write(path: str | os.PathLike[str], chunks: Iterable[bytes], *, overwrite: bool = False) -> Path:
    """Write ``chunks`` to ``path`` so that the file appears whole or not at all.

    Each chunk is written as it comes, so memory does not grow with the file. Without ``overwrite`` an existing
    file (or a symbolic link) is never replaced, even one created while the chunks were arriving. Whatever
    stops the write (an error, a ``KeyboardInterrupt``) leaves no temporary file behind.

    Returns:
        The absolute path written.

    Raises:
        FileExistsError: ``path`` exists and ``overwrite`` is false.
        InvalidFileError: ``path`` is not a usable path, a directory, or its directory does not exist or cannot
            be written to.
        SaveError: writing failed (disk full, read-only file system, I/O error); ``errno`` says why.
    """
    writer = _AtomicWriter(path, overwrite=overwrite)
    try:
        writer.create()
        for chunk in chunks:
            writer.write(chunk)
        return writer.commit()
    finally:
        try:
            writer.abort()
        except BaseException:  # interrupted on the way into abort(): run it again, then let the interrupt go on
            writer.abort()
            raise


async def atomic_write_async(
    path: str | os.PathLike[str], chunks: AsyncIterable[bytes], *, overwrite: bool = False
) -> Path:
    """:func:`atomic_write` for an async iterator; a cancellation while waiting for a chunk leaves nothing behind.

    The writes themselves block the loop briefly (they go to the page cache); running them in a thread would let
    a cancellation return before the thread stops, racing the clean-up against the rename.
    """
    writer = _AtomicWriter(path, overwrite=overwrite)
    try:
        writer.create()
        async for chunk in chunks:
            writer.write(chunk)
        return writer.commit()
    finally:
        try:
            writer.abort()
        except BaseException:  # interrupted on the way into abort(): run it again, then let the interrupt go on
            writer.abort()
            raise


def _bad_path(exc: ValueError) -> str:
    if isinstance(exc, UnicodeError):
        return "is not a usable path: it holds a character the file system cannot encode (a lone surrogate)"
    return "is not a usable path: it holds a NUL byte, which no file name can contain"
