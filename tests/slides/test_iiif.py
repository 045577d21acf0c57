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


# --- Server limits (Image API 3.0, section 4.2) ----------------------------------------------

BIG_W, BIG_H = 100_000, 50_000  # a gigapixel slide, far larger than the limits


def parse_big(region="full", size="max"):
    return iiif.parse_request(region, size, "0", "default", "jpg", BIG_W, BIG_H)


def test_info_json_declares_the_limits_it_enforces():
    document = iiif.info_document("https://x/iiif/t/id", BIG_W, BIG_H, 256, 18)
    assert (document["maxWidth"], document["maxHeight"]) == (iiif.MAX_WIDTH, iiif.MAX_HEIGHT)
    assert document["maxArea"] == iiif.MAX_AREA
    assert iiif.MAX_WIDTH * iiif.MAX_HEIGHT <= 4096 * 4096


def test_max_shrinks_a_large_region_to_the_limits():
    w, h = parse_big(size="max").size
    assert w == iiif.MAX_WIDTH and h == iiif.MAX_WIDTH // 2


def test_max_does_not_upscale_but_caret_max_scales_up_to_the_limits():
    assert parse(region="0,0,100,50", size="max").size == (100, 50)
    w, h = parse(region="0,0,100,50", size="^max").size
    assert (w, h) == (iiif.MAX_WIDTH, iiif.MAX_WIDTH // 2)


def test_caret_max_on_a_square_region_stops_at_max_area():
    w, h = parse(region="0,0,100,100", size="^max").size
    assert w * h <= iiif.MAX_AREA and w == h == iiif.MAX_WIDTH


def test_confined_sizes_shrink_to_the_region_and_the_limits_instead_of_failing():
    # !w,h never asks for more than the region (without ^) or the server's limits.
    assert parse(region="0,0,100,50", size="!400,400").size == (100, 50)
    assert parse(region="0,0,100,50", size="^!400,400").size == (400, 200)
    w, h = parse_big(size="^!20000,20000").size
    assert (w, h) == (iiif.MAX_WIDTH, iiif.MAX_WIDTH // 2)


@pytest.mark.parametrize(
    "size",
    [
        f"{iiif.MAX_WIDTH + 1},",  # exact width beyond maxWidth, region is large enough
        f",{iiif.MAX_HEIGHT + 1}",
        f"{iiif.MAX_WIDTH},{iiif.MAX_HEIGHT + 1}",
        "pct:5",  # 5000 x 2500: beyond maxWidth
        "^pct:101",
    ],
)
def test_sizes_beyond_the_limits_are_refused(size):
    with pytest.raises(iiif.IIIFError, match="larger than this server delivers"):
        parse_big(size=size)


def test_the_largest_allowed_size_is_served():
    assert parse_big(size=f"{iiif.MAX_WIDTH},").size == (iiif.MAX_WIDTH, iiif.MAX_WIDTH // 2)


def test_without_caret_a_size_beyond_the_region_is_refused_even_within_the_limits():
    with pytest.raises(iiif.IIIFError, match="use \\^"):
        parse(region="0,0,100,50", size="200,")
    assert parse(region="0,0,100,50", size="^200,").size == (200, 100)
