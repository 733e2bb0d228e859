"""Refusing cross-origin browser writes by their Fetch Metadata, with no token in the page.

The check of Go 1.25's `net/http.CrossOriginProtection` (and of OWASP's "Fetch Metadata"
defence), applied to the forms that write (the community's):

1. `Sec-Fetch-Site` (sent by every current browser, and not settable by a page's script):
   `same-origin` or `none` (the visitor typed or bookmarked the request) pass; `same-site` and
   `cross-site` are refused.
2. Without it, an `Origin` header (older browsers send one on every POST) must name this host.
3. With neither, the request was not sent by a browser (curl, scripts, tests): there is no
   visitor's cookie to abuse, so it passes.

The session cookie stays `SameSite=Lax` besides, so a browser too old to send either header
still sends no session with a cross-site POST.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Request

ALLOWED_SITES = {"same-origin", "none"}


def refusal(request: Request) -> str | None:
    """Why a state-changing request must be refused as cross-origin, or None if it may pass."""
    site = request.headers.get("Sec-Fetch-Site")
    if site is not None:
        if site.strip().lower() in ALLOWED_SITES:
            return None
        return (f"This form was sent from another site (Sec-Fetch-Site: {site[:20]}); "
                "the site only takes its forms from its own pages. Open the page here and "
                "send the form again.")
    origin = request.headers.get("Origin")
    if origin is None:
        return None  # not a browser: nothing of a visitor's to forge
    try:
        host = urlsplit(origin).netloc
    except ValueError:
        host = ""
    # Only the host can be compared (Host carries no scheme); HSTS covers http -> https.
    if host and host.lower() == request.host.lower():
        return None
    return (f"This form was sent from another origin ({origin[:80]}); the site only takes "
            "its forms from its own pages. Open the page here and send the form again.")
