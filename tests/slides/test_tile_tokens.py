from slides.tile_tokens import make_token, token_is_valid

SLIDE = "0b9e6c3e-5f0a-4c53-9b0c-1d2e3f405060"


def test_a_fresh_token_is_valid_for_its_slide_only():
    token = make_token(SLIDE, now=1_000_000)
    assert token_is_valid(SLIDE, token, now=1_000_000)
    assert not token_is_valid("another-slide", token, now=1_000_000)


def test_tokens_expire(settings):
    lifetime = settings.SLIDES["TILE_TOKEN_SECONDS"]
    token = make_token(SLIDE, now=1_000_000)
    assert token_is_valid(SLIDE, token, now=1_000_000 + lifetime)
    assert not token_is_valid(SLIDE, token, now=1_000_000 + 3 * lifetime)


def test_tokens_are_stable_within_a_window_so_tiles_stay_cached():
    assert make_token(SLIDE, now=1_000_000) == make_token(SLIDE, now=1_000_001)


def test_tampered_tokens_fail():
    token = make_token(SLIDE, now=1_000_000)
    expires, signature = token.split("-", 1)
    later = format(int(expires, 16) + 3600, "x")
    assert not token_is_valid(SLIDE, f"{later}-{signature}", now=1_000_000)
    assert not token_is_valid(SLIDE, "zz-" + signature, now=1_000_000)
    assert not token_is_valid(SLIDE, token[:-1] + ("A" if token[-1] != "A" else "B"), now=1_000_000)


def test_tokens_depend_on_the_secret_key(settings):
    token = make_token(SLIDE, now=1_000_000)
    settings.SECRET_KEY = "another secret"
    assert not token_is_valid(SLIDE, token, now=1_000_000)
