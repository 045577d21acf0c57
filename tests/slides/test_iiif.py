import pytest

from slides import iiif

W, H = 2000, 1500


def parse(region="full", size="max", rotation="0", quality="default", fmt="jpg"):
    return iiif.parse_request(region, size, rotation, quality, fmt, W, H)


def test_full_max_is_the_whole_image():
    request = parse()
    assert request.region == (0, 0, W, H) and request.size == (W, H)


def test_pixel_region_is_clipped_at_the_edge():
    assert parse("1900,1400,500,500", "max").region == (1900, 1400, 100, 100)


def test_square_and_percent_regions():
    assert parse("square").region == (250, 0, 1500, 1500)
    assert parse("pct:50,50,50,50").region == (1000, 750, 1000, 750)


@pytest.mark.parametrize(
    "size,expected",
    [
        ("500,", (500, 375)),
        (",300", (400, 300)),
        ("pct:10", (200, 150)),
        ("!400,400", (400, 300)),
        ("300,300", (300, 300)),
        ("^4000,", (4000, 3000)),
    ],
)
def test_sizes(size, expected):
    assert parse(size=size).size == expected


@pytest.mark.parametrize(
    "region,size,rotation,quality,fmt",
    [
        ("0,0,0,10", "max", "0", "default", "jpg"),
        ("5000,0,10,10", "max", "0", "default", "jpg"),
        ("a,b,c,d", "max", "0", "default", "jpg"),
        ("full", "4000,", "0", "default", "jpg"),
        ("full", ",", "0", "default", "jpg"),
        ("full", "0,", "0", "default", "jpg"),
        ("full", "max", "45", "default", "jpg"),
        ("full", "max", "x", "default", "jpg"),
        ("full", "max", "0", "sepia", "jpg"),
        ("full", "max", "0", "default", "gif"),
        ("full", "^99999,", "0", "default", "jpg"),
    ],
)
def test_bad_requests_raise(region, size, rotation, quality, fmt):
    with pytest.raises(iiif.IIIFError):
        iiif.parse_request(region, size, rotation, quality, fmt, W, H)


def test_rotation_and_mirroring():
    assert (parse(rotation="!90").rotation, parse(rotation="!90").mirror) == (90, True)


def test_requests_on_the_tile_grid_map_to_deep_zoom_tiles():
    max_level = 11
    assert iiif.aligned_tile(parse("0,0,256,256", "256,"), W, H, 256, max_level) == (11, 0, 0)
    assert iiif.aligned_tile(parse("512,0,512,512", "256,"), W, H, 256, max_level) == (10, 1, 0)
    edge = parse("1792,1280,208,220", "208,")
    assert iiif.aligned_tile(edge, W, H, 256, max_level) == (11, 7, 5)
    assert iiif.aligned_tile(parse("10,0,256,256", "256,"), W, H, 256, max_level) is None
    assert iiif.aligned_tile(parse("0,0,256,256", "256,", fmt="png"), W, H, 256, max_level) is None


def test_info_document_lists_tiles_and_scale_factors():
    doc = iiif.info_document("https://x/iiif/t/abc", W, H, 256, 12)
    assert doc["type"] == "ImageService3" and doc["profile"] == "level2"
    assert doc["tiles"] == [{"width": 256, "scaleFactors": [2**i for i in range(12)]}]
