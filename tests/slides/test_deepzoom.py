import pytest

from slides.deepzoom import DeepZoomGeometry


def test_levels_halve_down_to_one_pixel():
    geometry = DeepZoomGeometry(2000, 1500, 256)
    assert geometry.max_level == 11
    assert geometry.level_dimensions(11) == (2000, 1500)
    assert geometry.level_dimensions(10) == (1000, 750)
    assert geometry.level_dimensions(0) == (1, 1)


def test_edge_tiles_are_cropped_to_the_image():
    geometry = DeepZoomGeometry(2000, 1500, 256)
    assert geometry.tile_grid(11) == (8, 6)
    assert geometry.tile_box(11, 7, 5) == (1792, 1280, 2000, 1500)


def test_total_tiles_is_the_sum_over_levels():
    geometry = DeepZoomGeometry(2000, 1500, 256)
    assert geometry.total_tiles == sum(geometry.tile_count(level) for level in range(12))
    assert geometry.tile_count(11) == 48


@pytest.mark.parametrize("level,col,row", [(12, 0, 0), (-1, 0, 0), (11, 8, 0), (11, 0, 6)])
def test_tiles_outside_the_pyramid_do_not_exist(level, col, row):
    geometry = DeepZoomGeometry(2000, 1500, 256)
    assert not geometry.has_tile(level, col, row)
    with pytest.raises(ValueError):
        geometry.tile_box(level, col, row)


def test_row_bands_cover_every_row_once():
    geometry = DeepZoomGeometry(30000, 24000, 256)
    bands = geometry.row_bands(geometry.max_level, 512)
    rows = [row for start, end in bands for row in range(start, end)]
    assert rows == list(range(geometry.tile_grid(geometry.max_level)[1]))
    assert all((end - start) * 118 <= 512 for start, end in bands)


def test_dzi_descriptor_names_size_and_tile_size():
    xml = DeepZoomGeometry(300, 200, 254).dzi_xml()
    assert 'TileSize="254"' in xml and 'Overlap="0"' in xml
    assert '<Size Width="300" Height="200"/>' in xml
