"""Filling in the shipped nginx template, and the alias links nginx follows."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from slides import alias_links, nginx_config, storage, tile_tokens


def site(tmp_path):
    return nginx_config.Site(
        listen="127.0.0.1:8080", upstream="127.0.0.1:8000", key_file=tmp_path / "key.conf"
    )


def test_the_template_is_filled_from_settings(tmp_path, settings):
    text = nginx_config.render(site(tmp_path))
    assert "{{" not in text.replace("{{...}}", "")
    assert f'"{settings.SLIDES["PYRAMID_DIR"].resolve()}/$tile_slide/$tile_file"' in text
    assert f'"{settings.SLIDES["ALIAS_LINK_DIR"].resolve()}/$tile_slide/$tile_file"' in text
    assert "listen 127.0.0.1:8080;" in text and "server 127.0.0.1:8000;" in text


def test_tiles_nginx_sends_carry_the_portals_hsts_header_on_https(tmp_path, settings):
    settings.SECURE_HSTS_SECONDS = 0
    assert "Strict-Transport-Security" not in nginx_config.render(site(tmp_path)).replace(
        "# No Strict-Transport-Security", ""
    )
    settings.SECURE_HSTS_SECONDS = 31536000
    settings.SECURE_HSTS_INCLUDE_SUBDOMAINS = settings.SECURE_HSTS_PRELOAD = True
    assert (
        'add_header Strict-Transport-Security "max-age=31536000; includeSubDomains; preload";'
        in nginx_config.render(site(tmp_path))
    )


def test_the_configuration_holds_no_secret_and_the_key_file_is_private(tmp_path, settings):
    text = nginx_config.render(site(tmp_path))
    key = tile_tokens.signing_key().hex()
    assert key not in text and settings.SECRET_KEY not in text
    nginx_config.write_key_file(tmp_path / "key.conf")
    written = (tmp_path / "key.conf").read_text()
    assert f'set $tile_token_key "{key}";' in written and settings.SECRET_KEY not in written
    assert stat.S_IMODE((tmp_path / "key.conf").stat().st_mode) & 0o007 == 0


def test_an_unknown_placeholder_is_refused(tmp_path):
    with pytest.raises(KeyError, match="NOPE"):
        nginx_config.render(site(tmp_path), "listen {{NOPE}};")


def test_an_alias_link_points_at_the_slides_pyramid_and_is_repaired(settings):
    slide_uuid, alias = "a1111111-2222-4333-8444-555555555555", "b1111111-2222-4333-8444-5555"
    storage.pyramid_dir(slide_uuid).mkdir()
    link = settings.SLIDES["ALIAS_LINK_DIR"] / alias
    alias_links.link_alias(alias, slide_uuid)
    assert os.readlink(link) == str(storage.pyramid_dir(slide_uuid).resolve())
    alias_links.link_alias(alias, slide_uuid)  # idempotent
    os.remove(link)
    os.symlink("/nowhere", link)
    alias_links.link_alias(alias, slide_uuid)
    assert os.readlink(link) == str(storage.pyramid_dir(slide_uuid).resolve())
    assert [p.name for p in link.parent.iterdir()] == [alias]  # no temporary left behind


def test_an_alias_link_resolves_its_pyramid_folder_once_and_still_repairs(settings, monkeypatch):
    slide_uuid, alias = "c1111111-2222-4333-8444-555555555555", "d1111111-2222-4333-8444-5555"
    storage.pyramid_dir(slide_uuid).mkdir()
    link = settings.SLIDES["ALIAS_LINK_DIR"] / alias
    alias_links.link_alias(alias, slide_uuid)
    target = str(storage.pyramid_dir(slide_uuid).resolve())

    def no_resolving(self, strict=False):
        raise AssertionError(f"resolved {self} again")

    monkeypatch.setattr(Path, "resolve", no_resolving)
    alias_links.link_alias(alias, slide_uuid)
    os.remove(link)
    os.symlink("/nowhere", link)
    alias_links.link_alias(alias, slide_uuid)  # repaired from the remembered target
    assert os.readlink(link) == target


def test_the_remembered_targets_stay_bounded(monkeypatch):
    monkeypatch.setattr(alias_links, "RESOLVED_MAX", 3)
    monkeypatch.setattr(alias_links, "_resolved", {})
    for n in range(10):
        alias_links._resolved_pyramid(f"e{n}111111-2222-4333-8444-555555555555")
    assert 1 <= len(alias_links._resolved) <= 3
