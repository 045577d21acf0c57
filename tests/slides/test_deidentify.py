from slides.deidentify import allowed_metadata, effective_objective_power

CANARY = "CANARY-123"


def test_only_allow_listed_fields_survive():
    properties = {
        "openslide.vendor": "aperio",
        "openslide.mpp-x": "0.2520",
        "openslide.mpp-y": "0.2520",
        "openslide.objective-power": "40",
        "openslide.comment": CANARY,
        "aperio.Filename": CANARY,
        "aperio.User": CANARY,
        "openslide.quickhash-1": CANARY,
        "tiff.ImageDescription": CANARY,
    }
    metadata = allowed_metadata(properties, (1000, 800))
    assert metadata.as_dict() == {
        "width": 1000,
        "height": 800,
        "vendor": "aperio",
        "mpp_x": 0.252,
        "mpp_y": 0.252,
        "objective_power": 40.0,
    }
    assert CANARY not in repr(metadata)


def test_unknown_vendor_strings_are_not_kept_verbatim():
    assert allowed_metadata({"openslide.vendor": CANARY}, (1, 1)).vendor == "other"


def test_implausible_numbers_are_dropped_not_guessed():
    metadata = allowed_metadata(
        {"openslide.mpp-x": "nan", "openslide.mpp-y": "0.25", "openslide.objective-power": "1e9"},
        (10, 10),
    )
    assert metadata.mpp_x is None and metadata.mpp_y is None
    assert metadata.objective_power is None


def test_magnification_falls_back_to_mpp():
    assert effective_objective_power(20.0, 0.25) == 20.0
    assert effective_objective_power(None, 0.25) == 40.0
    assert effective_objective_power(None, None) is None
