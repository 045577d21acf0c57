"""Pyramids, and originals while they wait, in an S3-compatible bucket (when one is configured).

With `SLIDES["OBJECT_STORAGE"]` unset nothing here is called and every file stays on
PORTAL_DATA_DIR. With a bucket, web and worker machines share no folder:
- an upload is copied to `incoming/<uuid>/<name>`; a worker fetches it into its own
  INCOMING_DIR before OpenSlide opens it by path;
- a worker builds each band of tiles in its own PYRAMID_DIR (its scratch), uploads the band to
  `pyramids/<uuid>/<level>/<col>_<row>.jpeg` before the band counts as done, and fetches the
  tiles of the level above that it needs and lacks; `verify` checks the bucket's listing;
- a web node reads a tile from its own PYRAMID_DIR, which is then a cache with the very layout of
  a shared pyramid folder (so nginx's `try_files` keeps working); on a miss it GETs the object,
  writes it into the cache atomically, and serves it.

The bucket is private: nothing is served from it directly. boto3's client is thread-safe and
keeps a pool of connections; one is made per configuration and process.
"""

from __future__ import annotations

import logging
import os
import secrets
import threading
from collections.abc import Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import boto3
from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError
from django.conf import settings

from . import storage

logger = logging.getLogger(__name__)

PYRAMIDS = "pyramids"
INCOMING = "incoming"
QUARANTINE = "quarantine"
STAGING = "staging"
TRANSFER_THREADS = 8
MISSING_CODES = frozenset({"404", "NoSuchKey", "NotFound"})
_clients: dict[tuple, object] = {}
_clients_lock = threading.Lock()


class ObjectStorageUnavailable(Exception):
    """The bucket could not be reached or refused us (not: the object does not exist)."""


@dataclass(frozen=True)
class StoredTile:
    data: bytes
    modified: float  # the object's Last-Modified, so every web node's cache file agrees


def enabled() -> bool:
    return bool(settings.SLIDES.get("OBJECT_STORAGE"))


def _config() -> dict:
    return settings.SLIDES["OBJECT_STORAGE"]


def _client():
    config = _config()
    key = tuple(sorted(config.items()))
    client = _clients.get(key)
    if client is None:
        with _clients_lock:
            client = _clients.get(key)
            if client is None:
                client = boto3.session.Session().client(
                    "s3",
                    endpoint_url=config["ENDPOINT_URL"],
                    region_name=config["REGION"],
                    aws_access_key_id=config["ACCESS_KEY_ID"],
                    aws_secret_access_key=config["SECRET_ACCESS_KEY"],
                    config=Config(
                        # A web node waits on this while a viewer waits for a tile: fail fast.
                        connect_timeout=3,
                        read_timeout=10,
                        retries={"max_attempts": 3, "mode": "standard"},
                        max_pool_connections=32,
                        s3={"addressing_style": config["ADDRESSING_STYLE"]},
                    ),
                )
                _clients[key] = client
    return client


def _bucket() -> str:
    return _config()["BUCKET"]


def _is_missing(error: ClientError) -> bool:
    return str(error.response.get("Error", {}).get("Code")) in MISSING_CODES


def tile_key(slide_uuid: str, level: int, col: int, row: int) -> str:
    return f"{PYRAMIDS}/{slide_uuid}/{level}/{col}_{row}{storage.TILE_SUFFIX}"


def original_key(source_path: str) -> str:
    """`source_path` is relative to INCOMING_DIR and starts with the slide's uuid."""
    return f"{INCOMING}/{source_path}"


# --- Originals -------------------------------------------------------------------------------


def upload_original(local: Path, source_path: str) -> None:
    try:
        _client().upload_file(str(local), _bucket(), original_key(source_path))
    except (BotoCoreError, ClientError) as error:
        raise ObjectStorageUnavailable(f"could not store the original: {error}") from error


def _download(key: str, local: Path, what: str) -> None:
    """`key` into `local` (temp + rename). FileNotFoundError when the bucket lacks it."""
    local.parent.mkdir(parents=True, exist_ok=True)
    temporary = local.with_name(f".{local.name}.{secrets.token_hex(4)}{storage.TEMP_SUFFIX}")
    try:
        _client().download_file(_bucket(), key, str(temporary))
        os.replace(temporary, local)
    except ClientError as error:
        temporary.unlink(missing_ok=True)
        if _is_missing(error):
            raise FileNotFoundError(f"the {what} is no longer stored") from error
        raise ObjectStorageUnavailable(f"could not fetch the {what}: {error}") from error
    except BotoCoreError as error:
        temporary.unlink(missing_ok=True)
        raise ObjectStorageUnavailable(f"could not fetch the {what}: {error}") from error


def fetch_original(source_path: str) -> Path:
    """The original in this machine's INCOMING_DIR, downloaded if it is not there yet, with
    the files stored beside it (the other instances of a DICOM series, which OpenSlide finds in
    the original's folder); the original comes last, so its presence means all are there.

    FileNotFoundError when the bucket does not have it (a slide that was discarded)."""
    local = storage.original_path(source_path)
    if local.exists():
        return local
    folder = source_path.split("/", 1)[0]
    for key in _keys(f"{INCOMING}/{folder}/"):
        relative = key[len(INCOMING) + 1 :]
        companion = storage.original_path(relative)
        if relative != source_path and not companion.exists():
            _download(key, companion, "original")
    _download(original_key(source_path), local, "original")
    return local


# --- STOW-RS bodies waiting for a worker (slides/stow_staging.py) ---------------------------


def staged_key(name: str) -> str:
    return f"{STAGING}/{name}"


def upload_staged(local: Path, name: str) -> None:
    try:
        _client().upload_file(str(local), _bucket(), staged_key(name))
    except (BotoCoreError, ClientError) as error:
        raise ObjectStorageUnavailable(f"could not stage the request: {error}") from error


def fetch_staged(name: str, local: Path) -> None:
    _download(staged_key(name), local, "staged request")


def discard_staged(name: str) -> None:
    try:
        _client().delete_object(Bucket=_bucket(), Key=staged_key(name))
    except (BotoCoreError, ClientError) as error:
        raise ObjectStorageUnavailable(f"could not delete a staged request: {error}") from error


def discard_original(slide_uuid: str, *, quarantine: bool) -> None:
    """Delete the stored original (first copied under `quarantine/` when a retention is set)."""
    prefix = f"{INCOMING}/{slide_uuid}/"
    if quarantine:
        for key in _keys(prefix):
            target = f"{QUARANTINE}/{key[len(INCOMING) + 1 :]}"
            _client().copy({"Bucket": _bucket(), "Key": key}, _bucket(), target)
    _delete_prefix(prefix)


# --- Pyramids --------------------------------------------------------------------------------


def _band(level: int, rows: tuple[int, int], columns: int) -> Iterator[tuple[int, int, int]]:
    for row in range(*rows):
        for col in range(columns):
            yield level, col, row


def _parallel(work, items: Iterable) -> list:
    with ThreadPoolExecutor(TRANSFER_THREADS) as pool:
        return list(pool.map(work, items))


def upload_band(
    slide_uuid: str, pyramid: Path, level: int, rows: tuple[int, int], columns: int
) -> int:
    """Put every tile of rows [start, end) of `level` from `pyramid`; returns how many.

    Safe to repeat: a tile's bytes never change once built."""

    def put(tile: tuple[int, int, int]) -> None:
        path = storage.tile_path(pyramid, *tile)
        _client().put_object(
            Bucket=_bucket(),
            Key=tile_key(slide_uuid, *tile),
            Body=path.read_bytes(),
            ContentType="image/jpeg",
        )

    try:
        return len(_parallel(put, _band(level, rows, columns)))
    except (BotoCoreError, ClientError) as error:
        raise ObjectStorageUnavailable(f"could not store tiles: {error}") from error


def fetch_band(
    slide_uuid: str, pyramid: Path, level: int, rows: tuple[int, int], columns: int
) -> int:
    """Download the tiles of rows [start, end) of `level` missing from `pyramid`; returns how
    many it wrote. A tile absent from the bucket is left absent (the build reports it)."""

    def get(tile: tuple[int, int, int]) -> bool:
        path = storage.tile_path(pyramid, *tile)
        if path.exists():
            return False
        stored = fetch_tile(slide_uuid, *tile)
        if stored is None:
            return False
        storage.write_atomically(path, stored.data, modified=stored.modified)
        return True

    return sum(_parallel(get, _band(level, rows, columns)))


def fetch_tile(slide_uuid: str, level: int, col: int, row: int) -> StoredTile | None:
    """One built tile from the bucket; None when there is no such object."""
    try:
        response = _client().get_object(Bucket=_bucket(), Key=tile_key(slide_uuid, level, col, row))
        return StoredTile(response["Body"].read(), response["LastModified"].timestamp())
    except ClientError as error:
        if _is_missing(error):
            return None
        raise ObjectStorageUnavailable(f"could not fetch a tile: {error}") from error
    except BotoCoreError as error:
        raise ObjectStorageUnavailable(f"could not fetch a tile: {error}") from error


def stored_tiles(slide_uuid: str) -> dict[int, set[str]]:
    """The tile names (`<col>_<row>.jpeg`) the bucket holds for the slide, by level."""
    prefix = f"{PYRAMIDS}/{slide_uuid}/"
    present: dict[int, set[str]] = {}
    for key in _keys(prefix):
        level, _, name = key[len(prefix) :].partition("/")
        if level.isdigit() and name.endswith(storage.TILE_SUFFIX):
            present.setdefault(int(level), set()).add(name)
    return present


def remove_slide(slide_uuid: str, *, original: bool = True) -> None:
    """Delete the slide's pyramid (and its waiting original) from the bucket."""
    _delete_prefix(f"{PYRAMIDS}/{slide_uuid}/")
    if original:
        _delete_prefix(f"{INCOMING}/{slide_uuid}/")


def _keys(prefix: str) -> Iterator[str]:
    try:
        pages = _client().get_paginator("list_objects_v2").paginate(Bucket=_bucket(), Prefix=prefix)
        for page in pages:
            for item in page.get("Contents", ()):
                yield item["Key"]
    except (BotoCoreError, ClientError) as error:
        raise ObjectStorageUnavailable(f"could not list objects: {error}") from error


def _delete_prefix(prefix: str) -> None:
    keys = list(_keys(prefix))
    try:
        for start in range(0, len(keys), 1000):  # S3's limit per request
            batch = [{"Key": key} for key in keys[start : start + 1000]]
            _client().delete_objects(Bucket=_bucket(), Delete={"Objects": batch, "Quiet": True})
    except (BotoCoreError, ClientError) as error:
        raise ObjectStorageUnavailable(f"could not delete objects: {error}") from error
