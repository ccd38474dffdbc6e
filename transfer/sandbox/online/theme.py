"""Static theme assets the pages reference (stylesheet, script, logo, favicon) and the
Cloudflare e-mail-protection page; constant bytes, identical at every epoch."""

from __future__ import annotations

import struct
import zlib

from .furniture import CSS, FAVICON, JS, LOGO

_STYLE = b"""/* kotoutuminen-theme 1.4.2 (sandbox) */
body{font-family:"Source Sans Pro",Arial,sans-serif;margin:0;color:#1b1b1b}
.quick-access-nav a{position:absolute;left:-9999px}.quick-access-nav a:focus{left:1rem}
#banner{border-bottom:4px solid #005eb8}.kt-mega-menu ul{display:flex;flex-wrap:wrap}
.breadcrumb{display:flex;list-style:none}.alert-warning{background:#fff4d6}
.alert-info{background:#e3f0fb}.kt-cookie-banner{position:fixed;bottom:0;background:#fff}
"""
_SCRIPT = b"""/* kotoutuminen-theme 1.4.2 (sandbox) */
(function(){var b=document.getElementById('cookieConsent');if(!b){return;}
b.addEventListener('click',function(e){if(e.target.dataset.consent){b.hidden=true;}});})();
"""
_LOGO = (
    b'<svg xmlns="http://www.w3.org/2000/svg" width="220" height="48" viewBox="0 0 220 48">'
    b'<rect width="48" height="48" rx="8" fill="#005eb8"/><text x="58" y="32" '
    b'font-family="Arial" font-size="20" fill="#1b1b1b">Kotoutuminen.fi</text></svg>'
)


def _favicon() -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data))
            + kind
            + data
            + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
        )

    rows = b"".join(b"\x00" + b"\x00\x5e\xb8" * 16 for _ in range(16))
    header = struct.pack(">IIBBBBB", 16, 16, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows))
        + chunk(b"IEND", b"")
    )


EMAIL_PROTECTION = b"""<!DOCTYPE html>
<html lang="en"><head><title>Email Protection</title>
<meta name="robots" content="noindex, nofollow"></head>
<body><h1>Email Protection</h1><p>The address on the page you came from is hidden from robots.
Open the page in a browser with JavaScript enabled to see it.</p></body></html>
"""

#: path (without query) -> (content type, bytes)
ASSETS: dict[str, tuple[str, bytes]] = {
    CSS.split("?")[0]: ("text/css", _STYLE),
    JS.split("?")[0]: ("application/javascript", _SCRIPT),
    LOGO: ("image/svg+xml", _LOGO),
    FAVICON: ("image/png", _favicon()),
    "/cdn-cgi/l/email-protection": ("text/html; charset=utf-8", EMAIL_PROTECTION),
}
