// Checks a tile URL's token in nginx, byte for byte as slides/tile_tokens.py does, so built
// tiles are served by nginx without a round trip to Python.
//
// A token is "<expiry, hex seconds>-<signature>"; the signature is the first 18 bytes of
// HMAC-SHA256(key, "<public id>:<expiry, decimal>") in unpadded base64url, where key is
// sha256(salt + SECRET_KEY) (nginx gets only this derived key: it can mint tile tokens, not
// sessions). Refused: a malformed token, an expiry in the past, an expiry further ahead than
// the lifetime cap (plus clock skew) allows, a signature that does not match.
var crypto = require('crypto');

function authorised(r) {
    var token = r.variables.tile_token;
    var dash = token.indexOf('-');
    // 12 hex digits are far beyond any real expiry and still exact in a double.
    if (dash < 1 || dash > 12) {
        return '';
    }
    var expires = parseInt(token.slice(0, dash), 16);
    var now = Date.now() / 1000;
    if (!(expires >= now) || expires > now + Number(r.variables.tile_token_max_ahead)) {
        return '';
    }
    var expected = crypto.createHmac('sha256', Buffer.from(r.variables.tile_token_key, 'hex'))
        .update(r.variables.tile_slide + ':' + expires)
        .digest()
        .slice(0, 18)
        .toString('base64url');
    var given = token.slice(dash + 1);
    if (given.length !== expected.length) {
        return '';
    }
    // Compare in time independent of where they differ, as hmac.compare_digest does.
    var difference = 0;
    for (var i = 0; i < expected.length; i++) {
        difference |= expected.charCodeAt(i) ^ given.charCodeAt(i);
    }
    return difference === 0 ? '1' : '';
}

export default { authorised };
