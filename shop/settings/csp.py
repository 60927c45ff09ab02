"""The Content-Security-Policy of every page (django-csp 4)."""

from urllib.parse import urlsplit

from csp.constants import NONCE, NONE, SELF

from shop.settings.environment import DEBUG
from shop.settings.media import MEDIA_URL, STATIC_URL

# Scripts and styles only from our own static files, or inline with the request's nonce
# ({{ CSP_NONCE }}); no inline style attributes. The card-payment page adds Stripe's origins
# (frontend.buying.pay_views); served private files carry their own `sandbox` policy
# (shop.common.serving). Images may also come from the media/static host when it is
# another origin (MEDIA_URL/STATIC_URL with a scheme).
_CSP_ASSET_ORIGINS = sorted({
    f"{_u.scheme}://{_u.netloc}"
    for _u in (urlsplit(str(MEDIA_URL)), urlsplit(str(STATIC_URL)))
    if _u.scheme and _u.netloc
})
CONTENT_SECURITY_POLICY = {
    # GraphiQL (DEBUG only) loads its editor from a CDN with inline script: no policy there.
    "EXCLUDE_URL_PREFIXES": ["/graphql/"] if DEBUG else [],
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE, *_CSP_ASSET_ORIGINS],
        "style-src": [SELF, NONCE, *_CSP_ASSET_ORIGINS],
        "img-src": [SELF, "data:", *_CSP_ASSET_ORIGINS],
        "font-src": [SELF, *_CSP_ASSET_ORIGINS],
        "connect-src": [SELF],
        "frame-src": [NONE],
        "frame-ancestors": [NONE],
        "form-action": [SELF],
        "base-uri": [SELF],
        "object-src": [NONE],
    },
}
