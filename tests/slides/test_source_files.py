import stat
import zipfile

import pytest

from slides.source_files import SlideRejected, extract_zip, locate_slide, stored_name

LIMITS = {"max_members": 100, "max_bytes": 10 * 1024 * 1024}


@pytest.mark.parametrize(
    "name,expected",
    [
        ("Patient Smith 1234.svs", "slide.svs"),
        ("X.NDPI", "slide.ndpi"),
        ("a.exe", "slide.bin"),
        ("dir\\evil.tiff", "slide.tiff"),
        ("noext", "slide.bin"),
        ("set.zip", "slide.zip"),
    ],
)
def test_stored_names_keep_only_a_known_extension(name, expected):
    assert stored_name(name) == expected


def _zip(path, members):
    with zipfile.ZipFile(path, "w") as archive:
        for info, data in members:
            archive.writestr(info, data)
    return path


@pytest.mark.parametrize(
    "member,reason",
    [
        ("../evil.dcm", "leaves its folder"),
        ("/etc/evil.dcm", "absolute path"),
        ("a/../../evil", "leaves its folder"),
    ],
)
def test_unsafe_paths_are_refused_before_anything_is_written(tmp_path, member, reason):
    archive = _zip(tmp_path / "bad.zip", [(member, b"x")])
    with pytest.raises(SlideRejected, match=reason):
        extract_zip(archive, tmp_path / "out", **LIMITS)
    assert not (tmp_path / "out").exists()
    assert not (tmp_path / "evil.dcm").exists()


def test_symlinks_are_refused(tmp_path):
    info = zipfile.ZipInfo("link")
    info.external_attr = (stat.S_IFLNK | 0o777) << 16
    archive = _zip(tmp_path / "link.zip", [(info, "/etc/passwd")])
    with pytest.raises(SlideRejected, match="symbolic link"):
        extract_zip(archive, tmp_path / "out", **LIMITS)


def test_declared_size_over_the_limit_is_refused(tmp_path):
    archive = tmp_path / "bomb.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as out:
        out.writestr("zeros.bin", b"\0" * (11 * 1024 * 1024))
    with pytest.raises(SlideRejected, match="over the limit"):
        extract_zip(archive, tmp_path / "out", **LIMITS)


def test_too_many_members_are_refused(tmp_path):
    archive = _zip(tmp_path / "many.zip", [(f"f{i}", b"") for i in range(101)])
    with pytest.raises(SlideRejected, match="more than 100"):
        extract_zip(archive, tmp_path / "out", **LIMITS)


def test_not_a_zip_and_empty_zip(tmp_path):
    (tmp_path / "no.zip").write_bytes(b"hello")
    with pytest.raises(SlideRejected, match="not a readable zip"):
        extract_zip(tmp_path / "no.zip", tmp_path / "out", **LIMITS)
    with pytest.raises(SlideRejected, match="empty"):
        extract_zip(_zip(tmp_path / "empty.zip", []), tmp_path / "out", **LIMITS)


def test_locating_the_slide_in_an_unpacked_folder(tmp_path):
    (tmp_path / "m").mkdir()
    (tmp_path / "m" / "case.mrxs").write_bytes(b"")
    (tmp_path / "m" / "case").mkdir()
    (tmp_path / "m" / "case" / "Data0000.dat").write_bytes(b"")
    assert locate_slide(tmp_path / "m").name == "case.mrxs"
    (tmp_path / "t").mkdir()
    (tmp_path / "t" / "readme.txt").write_text("hi")
    with pytest.raises(SlideRejected, match="no slide"):
        locate_slide(tmp_path / "t")


def test_a_zip_that_inflates_a_hundredfold_is_refused(tmp_path):
    archive = tmp_path / "bomb.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as out:
        out.writestr("zeros.bin", b"\0" * (70 * 1024 * 1024))
    with pytest.raises(SlideRejected, match="zip bomb"):
        extract_zip(archive, tmp_path / "out", max_members=10, max_bytes=1024**3)
    assert not (tmp_path / "out").exists()
