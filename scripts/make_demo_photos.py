#!/usr/bin/env python3
"""Generate the illustrative demo photos for the Alder Bay Ledger demo site.

Every image is drawn from scratch with Pillow (shapes, gradients, blurs and
text); nothing is downloaded and no third-party artwork is used.  Output is
deterministic: each picture is seeded from a fixed seed plus a CRC of its name.

    python3 scripts/make_demo_photos.py            # writes into static/photos/
    python3 scripts/make_demo_photos.py --out DIR  # somewhere else
    python3 scripts/make_demo_photos.py --only ferry soccer-field

Story photos are 1600x900 JPEGs (quality 82, progressive, kept under ~180 KB);
author avatars are 400x400 JPEGs with the author's initials.  Pillow does not
write EXIF data unless asked to, and we never ask.
"""

from __future__ import annotations

import argparse
import glob
import io
import math
import random
import zlib
from pathlib import Path

from PIL import Image, ImageDraw, ImageFilter, ImageFont

SEED = 20261126
W, H = 1600, 900  # output size of story photos
S = 2  # supersampling factor (drawn at 2x, downsampled)
CW, CH = W * S, H * S  # canvas size
MAX_BYTES = 180 * 1024

ROOT = Path(__file__).resolve().parent.parent


# --------------------------------------------------------------------------
# Colour helpers
# --------------------------------------------------------------------------


def rgb(h: str) -> tuple[int, int, int]:
    h = h.lstrip("#")
    return tuple(int(h[i : i + 2], 16) for i in (0, 2, 4))


def C(h, a: int = 255) -> tuple[int, int, int, int]:
    """Colour (hex string or RGB tuple) with alpha."""
    c = rgb(h) if isinstance(h, str) else tuple(h[:3])
    return (*c, a)


def mix(c1, c2, t: float):
    c1 = rgb(c1) if isinstance(c1, str) else c1
    c2 = rgb(c2) if isinstance(c2, str) else c2
    return tuple(round(a + (b - a) * t) for a, b in zip(c1, c2, strict=False))


def with_alpha(c, a: int):
    c = rgb(c) if isinstance(c, str) else c
    return (*tuple(c[:3]), a)


# --------------------------------------------------------------------------
# Fonts
# --------------------------------------------------------------------------

FONT_FILES = {
    "sans-bold": [
        "DejaVuSans-Bold.ttf",
        "LiberationSans-Bold.ttf",
        "Arial Bold.ttf",
        "Arial_Bold.ttf",
    ],
    "sans": ["DejaVuSans.ttf", "LiberationSans-Regular.ttf", "Arial.ttf"],
    "serif-bold": ["DejaVuSerif-Bold.ttf", "LiberationSerif-Bold.ttf", "Georgia Bold.ttf"],
    "serif": ["DejaVuSerif.ttf", "LiberationSerif-Regular.ttf", "Georgia.ttf"],
}
FONT_DIRS = [
    "/usr/share/fonts",
    "/usr/local/share/fonts",
    "/Library/Fonts",
    "/System/Library/Fonts",
    "C:/Windows/Fonts",
    str(Path.home() / ".fonts"),
]
_font_path_cache: dict[str, str | None] = {}


def _find_font(kind: str) -> str | None:
    if kind not in _font_path_cache:
        found = None
        for name in FONT_FILES[kind]:
            for base in FONT_DIRS:
                hits = sorted(glob.glob(f"{base}/**/{name}", recursive=True))
                if hits:
                    found = hits[0]
                    break
            if found:
                break
        _font_path_cache[kind] = found
    return _font_path_cache[kind]


def font(kind: str, size: float):
    path = _find_font(kind)
    if path:
        return ImageFont.truetype(path, int(size))
    try:
        return ImageFont.load_default(size=int(size))
    except TypeError:  # very old Pillow
        return ImageFont.load_default()


# --------------------------------------------------------------------------
# Drawing primitives (all coordinates are in 1600x900 "logical" space)
# --------------------------------------------------------------------------


def _sc(xy):
    if not xy:
        return xy
    if isinstance(xy[0], (tuple, list)):
        return [(p[0] * S, p[1] * S) for p in xy]
    return [v * S for v in xy]


class Pen:
    """ImageDraw wrapper that scales logical coordinates onto the 2x canvas."""

    def __init__(self, im: Image.Image):
        self.im = im
        self.d = ImageDraw.Draw(im)

    def ellipse(self, xy, fill=None, outline=None, width=1):
        self.d.ellipse(_sc(xy), fill=fill, outline=outline, width=max(1, int(width * S)))

    def circle(self, x, y, r, fill=None, outline=None, width=1):
        self.ellipse([x - r, y - r, x + r, y + r], fill=fill, outline=outline, width=width)

    def rect(self, xy, fill=None, outline=None, width=1):
        self.d.rectangle(_sc(xy), fill=fill, outline=outline, width=max(1, int(width * S)))

    def rrect(self, xy, r, fill=None, outline=None, width=1):
        self.d.rounded_rectangle(
            _sc(xy), radius=r * S, fill=fill, outline=outline, width=max(1, int(width * S))
        )

    def poly(self, pts, fill=None, outline=None):
        self.d.polygon(_sc(pts), fill=fill, outline=outline)

    def line(self, pts, fill, width=1, round_caps=False):
        w = max(1, round(width * S))
        self.d.line(_sc(pts), fill=fill, width=w, joint="curve")
        if round_caps and width > 2:
            for x, y in (pts[0], pts[-1]):
                self.circle(x, y, width / 2, fill=fill)

    def pie(self, xy, start, end, fill):
        self.d.pieslice(_sc(xy), start, end, fill=fill)

    def chord(self, xy, start, end, fill):
        self.d.chord(_sc(xy), start, end, fill=fill)

    def arc(self, xy, start, end, fill, width=1):
        self.d.arc(_sc(xy), start, end, fill=fill, width=max(1, int(width * S)))

    def text(self, xy, s, size, fill, kind="sans-bold", anchor="mm", spacing=0):
        f = font(kind, size * S)
        if spacing:
            # manual letter spacing, centred on xy
            widths = [self.d.textlength(ch, font=f) for ch in s]
            total = sum(widths) + spacing * S * (len(s) - 1)
            x = xy[0] * S - total / 2
            for ch, w in zip(s, widths, strict=False):
                self.d.text((x, xy[1] * S), ch, font=f, fill=fill, anchor="lm")
                x += w + spacing * S
            return
        self.d.text((xy[0] * S, xy[1] * S), s, font=f, fill=fill, anchor=anchor)


def layer() -> Image.Image:
    return Image.new("RGBA", (CW, CH), (0, 0, 0, 0))


def fade(im: Image.Image, opacity: float) -> Image.Image:
    if opacity >= 1:
        return im
    a = im.getchannel("A").point(lambda v: int(v * opacity))
    im = im.copy()
    im.putalpha(a)
    return im


def comp(base: Image.Image, lay: Image.Image, blur: float = 0, opacity: float = 1.0):
    if blur:
        lay = lay.filter(ImageFilter.GaussianBlur(blur * S))
    base.alpha_composite(fade(lay, opacity))


def vgradient(w: int, h: int, stops) -> Image.Image:
    """Vertical gradient on a canvas of w x h real pixels; stops=[(pos, hex)]."""
    stops = [(p, rgb(c) if isinstance(c, str) else c) for p, c in stops]
    col = Image.new("RGB", (1, h))
    px = col.load()
    for y in range(h):
        t = y / max(1, h - 1)
        for i in range(len(stops) - 1):
            p0, c0 = stops[i]
            p1, c1 = stops[i + 1]
            if t <= p1 or i == len(stops) - 2:
                u = 0 if p1 == p0 else min(1, max(0, (t - p0) / (p1 - p0)))
                u = u * u * (3 - 2 * u)  # smoothstep for softer transitions
                px[0, y] = mix(c0, c1, u)
                break
    return col.resize((w, h), Image.BILINEAR).convert("RGBA")


def sky(stops) -> Image.Image:
    return vgradient(CW, CH, stops)


def glows(base, points, color, alpha=200, blur=None):
    """points: list of (x, y, r). Drawn into one layer and blurred once."""
    lay = layer()
    p = Pen(lay)
    rmax = 1
    for x, y, r in points:
        p.circle(x, y, r, fill=with_alpha(color, alpha))
        rmax = max(rmax, r)
    comp(base, lay, blur=blur if blur is not None else rmax * 0.8)


def glow(base, x, y, r, color, alpha=200, blur=None):
    glows(base, [(x, y, r)], color, alpha, blur)


def radial_light(base, x, y, r, color, alpha=120, steps=10):
    """Soft radial glow built from concentric discs (cheap, smooth after blur)."""
    lay = layer()
    p = Pen(lay)
    for i in range(steps, 0, -1):
        rr = r * i / steps
        a = int(alpha * (1 - i / steps) ** 1.6) + 4
        p.circle(x, y, rr, fill=with_alpha(color, min(255, a)))
    comp(base, lay, blur=r * 0.15)


def vignette(base, strength=0.45):
    mask = Image.new("L", (CW, CH), 0)
    ImageDraw.Draw(mask).ellipse([-CW * 0.15, -CH * 0.25, CW * 1.15, CH * 1.25], fill=255)
    mask = mask.filter(ImageFilter.GaussianBlur(CW * 0.08))
    dark = Image.new("RGBA", (CW, CH), (10, 10, 20, 255))
    inv = mask.point(lambda v: int((255 - v) * strength))
    dark.putalpha(inv)
    base.alpha_composite(dark)


def catenary(x1, y1, x2, y2, sag, n=40):
    pts = []
    for i in range(n + 1):
        t = i / n
        pts.append((x1 + (x2 - x1) * t, y1 + (y2 - y1) * t + sag * 4 * t * (1 - t)))
    return pts


def hills(p: Pen, base_y, amp, color, rnd, bottom=None, freq=1.0, step=8):
    bottom = H if bottom is None else bottom
    phases = [rnd.uniform(0, 6.28) for _ in range(3)]
    pts = [(0, bottom)]
    for x in range(0, W + step, step):
        t = x / W
        v = (
            0.55 * math.sin(t * 3.1 * freq + phases[0])
            + 0.3 * math.sin(t * 7.3 * freq + phases[1])
            + 0.15 * math.sin(t * 17.0 * freq + phases[2])
        )
        pts.append((x, base_y - amp * (0.5 + 0.5 * v)))
    pts.append((W, bottom))
    p.poly(pts, fill=color)
    return pts


def treeline(p: Pen, y, x0, x1, hmin, hmax, color, rnd, gap=(7, 16), ybot=None):
    """A ragged row of conifers standing on y (Pacific Northwest shoreline)."""
    x = x0
    while x < x1:
        h = rnd.uniform(hmin, hmax)
        w = h * rnd.uniform(0.22, 0.3)
        # stacked tiers give a fir silhouette
        tiers = 3
        for k in range(tiers):
            top = y - h + k * h * 0.22
            bw = w * (0.55 + 0.45 * (k + 1) / tiers)
            p.poly(
                [
                    (x - bw, y - h * (0.55 - 0.18 * k) + h * 0.25),
                    (x, top),
                    (x + bw, y - h * (0.55 - 0.18 * k) + h * 0.25),
                ],
                fill=color,
            )
        p.rect([x - w * 0.9, y - h * 0.32, x + w * 0.9, y], fill=color)
        x += rnd.uniform(*gap)
    if ybot is not None:
        p.rect([x0, y - 1, x1, ybot], fill=color)


def round_tree(p: Pen, x, y, r, leaf, trunk, rnd, shade=None):
    p.rect([x - r * 0.09, y - r * 1.2, x + r * 0.09, y], fill=trunk)
    cy = y - r * 1.55
    for _ in range(7):
        dx, dy = rnd.uniform(-0.55, 0.55) * r, rnd.uniform(-0.45, 0.35) * r
        rr = r * rnd.uniform(0.5, 0.72)
        p.circle(x + dx, cy + dy, rr, fill=leaf)
    if shade:
        for _ in range(3):
            dx, dy = rnd.uniform(0.05, 0.5) * r, rnd.uniform(0.0, 0.4) * r
            p.circle(x + dx, cy + dy, r * 0.38, fill=shade)


def clouds(base, rnd, n, y0, y1, color, alpha=150, blur=18, smin=60, smax=200, flat=0.45):
    lay = layer()
    p = Pen(lay)
    for _ in range(n):
        cx, cy = rnd.uniform(-100, W + 100), rnd.uniform(y0, y1)
        s = rnd.uniform(smin, smax)
        for _ in range(6):
            dx = rnd.uniform(-1.2, 1.2) * s
            dy = rnd.uniform(-0.3, 0.2) * s
            rr = s * rnd.uniform(0.35, 0.7)
            p.ellipse(
                [cx + dx - rr, cy + dy - rr * flat * 1.4, cx + dx + rr, cy + dy + rr * flat],
                fill=with_alpha(color, alpha),
            )
    comp(base, lay, blur=blur)


def puffy_clouds(
    base,
    rnd,
    n,
    y0,
    y1,
    color="#ffffff",
    shade="#b9c8d6",
    alpha=235,
    smin=50,
    smax=140,
    blur=2.0,
    xs=None,
):
    """Fair-weather cumulus: bumpy tops, flat shaded bottoms, lightly softened."""
    for i in range(n):
        s = rnd.uniform(smin, smax)
        cx = xs[i] if xs else rnd.uniform(-60, W + 60)
        cy = rnd.uniform(y0, y1)
        w, h = int(s * 2.8 * S), int(s * 1.5 * S)
        im = Image.new("RGBA", (w, h), (0, 0, 0, 0))
        d = ImageDraw.Draw(im)
        bl = int(h * 0.86)
        k = rnd.randint(4, 6)
        for j in range(k):
            t = (j + 0.5) / k
            x = w * 0.08 + t * w * 0.84
            r = s * S * (0.22 + 0.42 * math.sin(math.pi * t)) * rnd.uniform(0.85, 1.15)
            y = bl - r * rnd.uniform(0.35, 0.75)
            d.ellipse([x - r, y - r, x + r, y + r], fill=(*rgb(color), 255))
        d.rectangle([0, bl, w, h], fill=(0, 0, 0, 0))
        ramp = Image.linear_gradient("L").resize((w, h))
        ramp = ramp.point(lambda v: max(0, int((v - 110) * 1.3)))
        from PIL import ImageChops

        sh = Image.new("RGBA", (w, h), (*rgb(shade), 255))
        sh.putalpha(ImageChops.multiply(im.getchannel("A"), ramp))
        im.alpha_composite(sh)
        im = fade(im, alpha / 255).filter(ImageFilter.GaussianBlur(blur * S))
        base.alpha_composite(im, dest=(int(cx * S - w / 2), int(cy * S - bl)))


def rain(base, rnd, n=900, angle=0.25, color="#c9d3dc", alpha=70, lmin=20, lmax=55, y0=0, y1=H):
    lay = layer()
    p = Pen(lay)
    for _ in range(n):
        x, y = rnd.uniform(-100, W + 100), rnd.uniform(y0, y1)
        length = rnd.uniform(lmin, lmax)
        p.line([(x, y), (x - length * angle, y + length)], fill=with_alpha(color, alpha), width=1.2)
    comp(base, lay, blur=0.6)


def gull(p: Pen, x, y, s, color):
    p.arc([x - s, y - s * 0.5, x, y + s * 0.5], 200, 330, fill=color, width=max(1.5, s * 0.12))
    p.arc([x, y - s * 0.5, x + s, y + s * 0.5], 210, 340, fill=color, width=max(1.5, s * 0.12))


def person(p: Pen, x, feet, h, color, rnd=None, coat=None, hat=None, lean=0.0):
    """Simple standing silhouette, suitable for crowds seen at a distance."""
    hr = h * 0.085
    hx = x + lean * h * 0.05
    p.circle(hx, feet - h + hr, hr, fill=color)
    top = feet - h + 2 * hr - h * 0.01
    hip = feet - h * 0.46
    sw = h * 0.15
    p.rrect([x - sw, top + h * 0.02, x + sw, hip + h * 0.04], h * 0.06, fill=coat or color)
    lw = h * 0.062
    p.rect([x - sw * 0.78, hip, x - sw * 0.78 + lw * 2, feet], fill=color)
    p.rect([x + sw * 0.78 - lw * 2, hip, x + sw * 0.78, feet], fill=color)
    if hat:
        p.ellipse(
            [hx - hr * 1.15, feet - h - hr * 0.2, hx + hr * 1.15, feet - h + hr * 0.9], fill=hat
        )


def figure(p: Pen, x, feet, h, color, pose="run", flip=False, jersey=None):
    """Athletic figure drawn from thick limbs; pose in run / kick / stand."""
    sx = -1 if flip else 1
    lw = h * 0.085

    def P(dx, dy):
        return (x + sx * dx * h, feet - dy * h)

    if pose == "run":
        hip, sh, head = P(0, 0.50), P(0.06, 0.80), P(0.09, 0.92)
        legs = [[hip, P(0.17, 0.30), P(0.13, 0.02)], [hip, P(-0.07, 0.26), P(-0.25, 0.17)]]
        arms = [
            [P(0.05, 0.77), P(0.14, 0.66), P(0.22, 0.75)],
            [P(0.05, 0.77), P(-0.06, 0.63), P(-0.12, 0.54)],
        ]
    elif pose == "kick":
        hip, sh, head = P(0, 0.50), P(-0.04, 0.80), P(-0.05, 0.92)
        legs = [[hip, P(-0.03, 0.27), P(-0.02, 0.0)], [hip, P(0.17, 0.38), P(0.33, 0.28)]]
        arms = [
            [P(-0.04, 0.77), P(-0.18, 0.72), P(-0.28, 0.78)],
            [P(-0.04, 0.77), P(0.1, 0.70), P(0.18, 0.78)],
        ]
    else:
        hip, sh, head = P(0, 0.50), P(0, 0.80), P(0, 0.92)
        legs = [[hip, P(-0.05, 0.25), P(-0.06, 0.0)], [hip, P(0.05, 0.25), P(0.06, 0.0)]]
        arms = [
            [P(0, 0.77), P(-0.09, 0.6), P(-0.1, 0.46)],
            [P(0, 0.77), P(0.09, 0.6), P(0.1, 0.46)],
        ]
    for leg in legs:
        p.line(leg, fill=color, width=lw * 1.15, round_caps=True)
    p.line([hip, sh], fill=jersey or color, width=lw * 2.1, round_caps=True)
    for arm in arms:
        p.line(arm, fill=jersey or color, width=lw * 0.85, round_caps=True)
    p.circle(head[0], head[1], h * 0.075, fill=color)


def ripple(im: Image.Image, wobble: float, rnd: random.Random, band: int = 3) -> Image.Image:
    out = im.copy()
    h = im.height
    bandpx = band * S
    for y in range(0, h, bandpx):
        depth = 0.35 + y / max(1, h)
        dx = (math.sin(y / (6.0 * S)) * 0.7 + rnd.uniform(-1, 1) * 0.6) * wobble * S * depth
        out.paste(im.crop((0, y, im.width, min(h, y + bandpx))), (int(dx), y))
    return out


def water(base, horizon, stops, refl=0.5, wobble=5, rnd=None, blur=1.2):
    """Replace everything below `horizon` by water that mirrors the scene above."""
    rnd = rnd or random.Random(1)
    hz = int(horizon * S)
    h = CH - hz
    wat = vgradient(CW, h, stops)
    src_h = min(hz, h)
    above = base.crop((0, hz - src_h, CW, hz)).transpose(Image.FLIP_TOP_BOTTOM)
    mir = wat.copy()
    mir.paste(above, (0, 0))
    mir = ripple(mir, wobble, rnd).filter(ImageFilter.GaussianBlur(blur * S))
    base.paste(Image.blend(wat, mir, refl), (0, hz))


def reflected(base, draw_fn, waterline, opacity=0.4, wobble=3, rnd=None, blur=1.5):
    """Draw something standing on water, with a rippled reflection beneath it."""
    rnd = rnd or random.Random(2)
    lay = layer()
    draw_fn(Pen(lay))
    wl = int(waterline * S)
    h = min(wl, CH - wl)
    if h > 0:
        top = lay.crop((0, wl - h, CW, wl)).transpose(Image.FLIP_TOP_BOTTOM)
        top = ripple(top, wobble, rnd).filter(ImageFilter.GaussianBlur(blur * S))
        base.alpha_composite(fade(top, opacity), dest=(0, wl))
    base.alpha_composite(lay)


def shimmer(base, rnd, y0, y1, xc, spread, color, n=160, alpha=140, lmax=60, width=2.0):
    lay = layer()
    p = Pen(lay)
    for _ in range(n):
        y = rnd.uniform(y0, y1)
        t = (y - y0) / max(1, (y1 - y0))
        x = rnd.gauss(xc, spread * (0.6 + t))
        length = rnd.uniform(0.3, 1.0) * lmax * (0.5 + t)
        p.line(
            [(x - length / 2, y), (x + length / 2, y)],
            fill=with_alpha(color, int(alpha * rnd.uniform(0.4, 1))),
            width=width * (0.6 + t),
        )
    comp(base, lay, blur=0.8)


def wave_lines(base, rnd, y0, y1, color, n=120, alpha=50, lmax=120):
    lay = layer()
    p = Pen(lay)
    for _ in range(n):
        y = rnd.uniform(y0, y1)
        t = (y - y0) / max(1, (y1 - y0))
        x = rnd.uniform(-50, W + 50)
        length = rnd.uniform(0.3, 1.0) * lmax * (0.4 + t)
        p.line(
            [(x, y), (x + length, y)],
            fill=with_alpha(color, int(alpha * rnd.uniform(0.3, 1))),
            width=1 + 2 * t,
        )
    comp(base, lay, blur=0.7)


def windows_grid(
    p: Pen, x0, y0, x1, y1, cols, rows, fill, frame=None, gap=0.35, lit=None, rnd=None
):
    cw = (x1 - x0) / cols
    rh = (y1 - y0) / rows
    for i in range(cols):
        for j in range(rows):
            wx0 = x0 + i * cw + cw * gap / 2
            wy0 = y0 + j * rh + rh * gap / 2
            wx1, wy1 = wx0 + cw * (1 - gap), wy0 + rh * (1 - gap)
            f = fill
            if lit and rnd and rnd.random() < lit[1]:
                f = lit[0]
            p.rect([wx0, wy0, wx1, wy1], fill=f, outline=frame, width=2 if frame else 1)
            if frame:
                p.line([((wx0 + wx1) / 2, wy0), ((wx0 + wx1) / 2, wy1)], fill=frame, width=2)
                p.line([(wx0, (wy0 + wy1) / 2), (wx1, (wy0 + wy1) / 2)], fill=frame, width=2)


def sailboat(p: Pen, x, wl, s, hull, sail=None, light=None):
    sail = sail or hull
    p.poly(
        [(x - 62 * s, wl - 16 * s), (x + 70 * s, wl - 16 * s), (x + 52 * s, wl), (x - 50 * s, wl)],
        fill=hull,
    )
    p.rect([x - 22 * s, wl - 26 * s, x + 18 * s, wl - 15 * s], fill=hull)
    p.line([(x, wl - 16 * s), (x, wl - 190 * s)], fill=hull, width=max(1.5, 3 * s))
    p.poly(
        [(x + 4 * s, wl - 182 * s), (x + 4 * s, wl - 30 * s), (x + 62 * s, wl - 30 * s)], fill=sail
    )
    p.poly(
        [(x - 4 * s, wl - 172 * s), (x - 4 * s, wl - 30 * s), (x - 50 * s, wl - 30 * s)], fill=sail
    )


def moored_sailboat(p: Pen, x, wl, s, hull):
    """Sails furled: hull, cabin, mast and rigging lines."""
    p.poly(
        [(x - 62 * s, wl - 16 * s), (x + 70 * s, wl - 16 * s), (x + 52 * s, wl), (x - 50 * s, wl)],
        fill=hull,
    )
    p.rect([x - 24 * s, wl - 28 * s, x + 16 * s, wl - 15 * s], fill=hull)
    p.line([(x, wl - 16 * s), (x, wl - 200 * s)], fill=hull, width=max(1.5, 3 * s))
    p.line([(x, wl - 200 * s), (x + 66 * s, wl - 17 * s)], fill=hull, width=1)
    p.line([(x, wl - 200 * s), (x - 58 * s, wl - 17 * s)], fill=hull, width=1)
    p.line([(x, wl - 60 * s), (x + 48 * s, wl - 52 * s)], fill=hull, width=max(1.5, 4 * s))


def fishing_boat(p: Pen, x, wl, s, hull, cabin, trim=None, dark=None):
    p.poly(
        [(x - 90 * s, wl - 30 * s), (x + 100 * s, wl - 38 * s), (x + 78 * s, wl), (x - 80 * s, wl)],
        fill=hull,
    )
    if trim:
        p.poly(
            [
                (x - 90 * s, wl - 30 * s),
                (x + 100 * s, wl - 38 * s),
                (x + 98 * s, wl - 31 * s),
                (x - 89 * s, wl - 24 * s),
            ],
            fill=trim,
        )
    p.rect([x + 5 * s, wl - 80 * s, x + 60 * s, wl - 32 * s], fill=cabin)
    p.rect([x + 12 * s, wl - 72 * s, x + 52 * s, wl - 58 * s], fill=dark or hull)
    p.line(
        [(x - 30 * s, wl - 30 * s), (x - 30 * s, wl - 150 * s)],
        fill=dark or hull,
        width=max(1.5, 4 * s),
    )
    p.line(
        [(x - 30 * s, wl - 140 * s), (x - 85 * s, wl - 60 * s)],
        fill=dark or hull,
        width=max(1.5, 3 * s),
    )
    p.line([(x - 30 * s, wl - 150 * s), (x + 30 * s, wl - 80 * s)], fill=dark or hull, width=1)


# --------------------------------------------------------------------------
# Scenes
# --------------------------------------------------------------------------


def scene_harbor_dusk(rnd):
    hz = 560
    base = sky(
        [
            (0, "#1c2346"),
            (0.32, "#473a6c"),
            (0.52, "#b45f7d"),
            (0.62, "#f0a35e"),
            (0.7, "#f7c77e"),
            (1, "#f7c77e"),
        ]
    )
    clouds(base, rnd, 7, 120, 330, "#f3a3a0", alpha=90, blur=22, smin=80, smax=220, flat=0.25)
    radial_light(base, 1060, hz - 10, 420, "#ffd28a", alpha=150)
    glow(base, 1060, hz - 6, 48, "#fff1c9", alpha=255, blur=6)
    lay = layer()
    p = Pen(lay)
    hills(p, hz - 40, 110, C("#6c5287"), rnd, bottom=hz + 2, freq=0.8)
    comp(base, lay, blur=2)
    lay = layer()
    p = Pen(lay)
    hills(p, hz - 8, 55, C("#3b2d58"), rnd, bottom=hz + 2, freq=1.3)
    treeline(p, hz - 4, 0, 520, 18, 46, C("#2c2246"), rnd)
    treeline(p, hz - 2, 1280, W, 16, 40, C("#2c2246"), rnd)
    comp(base, lay, blur=0.6)
    glows(
        base,
        [(rnd.uniform(200, 1500), hz - rnd.uniform(4, 26), 3) for _ in range(40)],
        "#ffd98f",
        230,
        blur=1.5,
    )
    water(
        base, hz, [(0, "#e29a6a"), (0.3, "#7b4e74"), (1, "#1d1a3a")], refl=0.55, wobble=6, rnd=rnd
    )
    shimmer(base, rnd, hz + 4, H, 1060, 70, "#ffe1a6", n=260, alpha=170, lmax=90)
    wave_lines(base, rnd, hz + 10, H, "#0e0c24", n=180, alpha=70, lmax=140)

    # pier with lamps, left
    def pier(p):
        p.rect([0, hz + 20, 560, hz + 34], fill=C("#1b1630"))
        for i in range(0, 560, 44):
            p.rect([i + 6, hz + 30, i + 14, hz + 70], fill=C("#1b1630"))
        for lx in (90, 260, 430):
            p.rect([lx - 2, hz - 40, lx + 2, hz + 22], fill=C("#1b1630"))
            p.rect([lx - 7, hz - 48, lx + 7, hz - 38], fill=C("#1b1630"))

    reflected(base, pier, hz + 70, opacity=0.35, rnd=rnd)
    glows(base, [(90, hz - 43, 7), (260, hz - 43, 7), (430, hz - 43, 7)], "#ffe4a8", 255, blur=3)
    glows(base, [(90, hz - 43, 40), (260, hz - 43, 40), (430, hz - 43, 40)], "#ffc978", 90)

    boats = [(760, 650, 0.9), (1300, 700, 1.15), (560, 760, 1.3), (1000, 812, 1.6)]
    for i, (bx, wl, s) in enumerate(boats):
        hull = C("#15122a")
        if i % 2:
            reflected(
                base,
                lambda p, bx=bx, wl=wl, s=s, hull=hull: moored_sailboat(p, bx, wl, s, hull),
                wl,
                0.45,
                rnd=rnd,
            )
        else:
            reflected(
                base,
                lambda p, bx=bx, wl=wl, s=s, hull=hull: fishing_boat(
                    p, bx, wl, s * 0.8, hull, hull
                ),
                wl,
                0.45,
                rnd=rnd,
            )
    glows(
        base,
        [
            (760, 650 - 200 * 0.9 + 4, 4),
            (1300, 700 - 200 * 1.15, 4),
            (1000 - 24, 812 - 150 * 1.28, 5),
        ],
        "#ff6a5a",
        255,
        blur=2,
    )
    gull(Pen(base), 1180, 200, 16, C("#2a2140"))
    gull(Pen(base), 1235, 232, 12, C("#2a2140"))
    vignette(base, 0.5)
    return base


def scene_ferry(rnd):
    hz = 520
    base = sky([(0, "#8fb8d6"), (0.45, "#cfdde4"), (0.58, "#f0dcc4"), (1, "#f0dcc4")])
    clouds(base, rnd, 5, 260, 380, "#ffffff", alpha=90, blur=20, smin=120, smax=260, flat=0.2)
    puffy_clouds(
        base,
        rnd,
        6,
        90,
        300,
        shade="#c4ced8",
        alpha=225,
        smin=50,
        smax=130,
        xs=[160, 520, 880, 1180, 1460, 700],
    )
    radial_light(base, 420, 330, 380, "#fff3dc", alpha=110)
    lay = layer()
    p = Pen(lay)
    hills(p, hz - 20, 70, C("#8ea2b1"), rnd, bottom=hz + 2, freq=0.7)
    treeline(p, hz - 16, 980, 1600, 12, 30, C("#7d93a3"), rnd)
    comp(base, lay, blur=2.5)
    # small lighthouse on the island
    p = Pen(base)
    p.poly([(1396, hz - 30), (1404, hz - 82), (1414, hz - 82), (1422, hz - 30)], fill=C("#f4efe6"))
    p.rect([1400, hz - 92, 1418, hz - 82], fill=C("#5a6b78"))
    p.poly([(1398, hz - 92), (1409, hz - 104), (1420, hz - 92)], fill=C("#b6473a"))
    water(
        base, hz, [(0, "#a7bfcc"), (0.25, "#6f95aa"), (1, "#2b4f63")], refl=0.35, wobble=5, rnd=rnd
    )
    wave_lines(base, rnd, hz + 5, H, "#e8f1f5", n=220, alpha=70, lmax=110)
    wave_lines(base, rnd, hz + 20, H, "#1f3d4f", n=160, alpha=60, lmax=130)

    # wake behind the ferry (to the left, widening towards the viewer)
    lay = layer()
    p = Pen(lay)
    for k in range(40):
        t = k / 40
        x = 640 - t * 700
        y = 664 + t * 150
        p.ellipse(
            [x - 50 - 70 * t, y - 4 - 5 * t, x + 60 + 70 * t, y + 4 + 6 * t],
            fill=C("#ffffff", int(170 * (1 - t))),
        )
        y2 = 640 + t * 30
        p.ellipse([x - 40, y2 - 3, x + 50, y2 + 3], fill=C("#ffffff", int(120 * (1 - t))))
    comp(base, lay, blur=3)

    def ferry(p):
        x0, x1, wl = 620, 1270, 665
        p.poly([(x0, wl - 70), (x1 + 40, wl - 78), (x1, wl), (x0 + 20, wl)], fill=C("#f3f2ec"))
        p.poly([(x0 + 6, wl - 22), (x1 + 14, wl - 26), (x1, wl), (x0 + 20, wl)], fill=C("#23364c"))
        p.poly(
            [(x0 + 2, wl - 32), (x1 + 24, wl - 38), (x1 + 20, wl - 30), (x0 + 4, wl - 25)],
            fill=C("#2f8a6a"),
        )
        for i in range(22):
            wx = x0 + 40 + i * 26
            p.rect([wx, wl - 58, wx + 16, wl - 46], fill=C("#3b4e63"))
        p.rect([x0 + 70, wl - 118, x1 - 80, wl - 70], fill=C("#f7f6f1"))
        for i in range(15):
            wx = x0 + 88 + i * 28
            p.rect([wx, wl - 106, wx + 18, wl - 92], fill=C("#445a70"))
        p.rect([x0 + 70, wl - 76, x1 - 80, wl - 70], fill=C("#cfd2cf"))
        p.poly(
            [(x1 - 240, wl - 118), (x1 - 110, wl - 118), (x1 - 96, wl - 150), (x1 - 230, wl - 150)],
            fill=C("#f9f8f4"),
        )
        p.rect([x1 - 226, wl - 144, x1 - 112, wl - 132], fill=C("#2e4257"))
        p.poly(
            [
                (x0 + 210, wl - 118),
                (x0 + 260, wl - 118),
                (x0 + 252, wl - 190),
                (x0 + 214, wl - 190),
            ],
            fill=C("#c9483b"),
        )
        p.rect([x0 + 213, wl - 200, x0 + 253, wl - 188], fill=C("#23232a"))
        p.line([(x1 - 170, wl - 150), (x1 - 170, wl - 215)], fill=C("#33393f"), width=3)
        p.line([(x1 - 200, wl - 196), (x1 - 140, wl - 196)], fill=C("#33393f"), width=2)

    reflected(base, ferry, 665, opacity=0.3, wobble=5, rnd=rnd)
    # bow wave
    lay = layer()
    Pen(lay).ellipse([1230, 652, 1330, 672], fill=C("#ffffff", 200))
    comp(base, lay, blur=4)
    # smoke
    clouds(base, rnd, 3, 420, 440, "#e9e7e4", alpha=60, blur=14, smin=30, smax=50)
    p = Pen(base)
    for gx, gy, gs in [(320, 230, 18), (370, 262, 13), (1460, 170, 15), (280, 300, 10)]:
        gull(p, gx, gy, gs, C("#4b5660"))
    vignette(base, 0.3)
    return base


def scene_storm_clouds(rnd):
    base = sky([(0, "#222a35"), (0.45, "#4d5a66"), (0.7, "#7f8b91"), (1, "#7f8b91")])
    clouds(base, rnd, 14, 40, 300, "#1a2029", alpha=200, blur=26, smin=120, smax=300, flat=0.45)
    clouds(base, rnd, 10, 200, 420, "#3b4652", alpha=170, blur=20, smin=100, smax=240, flat=0.35)
    # lightning
    pts = [(1130, 250)]
    x, y = 1130, 250
    while y < 640:
        x += rnd.uniform(-34, 30)
        y += rnd.uniform(24, 50)
        pts.append((x, min(y, 640)))
    radial_light(base, 1120, 360, 520, "#b8c8ff", alpha=110)
    lay = layer()
    Pen(lay).line(pts, fill=C("#dfe6ff"), width=16)
    comp(base, lay, blur=14)
    p = Pen(base)
    p.line(pts, fill=C("#ffffff"), width=3.5)
    bx, by = pts[len(pts) // 2]
    p.line([(bx, by), (bx + 60, by + 40), (bx + 74, by + 90)], fill=C("#eef2ff"), width=2)
    # sea on the left, low headland and land in front
    hz = 640
    water(base, hz, [(0, "#6b7a82"), (1, "#2a3539")], refl=0.25, wobble=8, rnd=rnd)
    wave_lines(base, rnd, hz + 4, H, "#d9e2e6", n=260, alpha=90, lmax=70)
    lay = layer()
    p = Pen(lay)
    hills(p, hz + 40, 70, C("#1c2320"), rnd, bottom=H + 5, freq=0.6)
    p.poly(
        [(0, 760), (500, 700), (1000, 720), (1600, 690), (1600, 900), (0, 900)], fill=C("#161b18")
    )
    comp(base, lay, blur=0.5)
    # wind-bent firs
    p = Pen(base)
    for tx, th in [(120, 190), (200, 150), (1460, 210), (1530, 170), (1380, 140)]:
        ty = 765 if tx < 800 else 700
        lean = 0.18
        for k in range(4):
            top = ty - th + k * th * 0.2
            bw = th * (0.14 + 0.05 * k)
            p.poly(
                [
                    (tx - bw + lean * (ty - top) * 0.4, top + th * 0.3),
                    (tx + lean * th, top),
                    (tx + bw + lean * (ty - top) * 0.4, top + th * 0.3),
                ],
                fill=C("#0f1412"),
            )
        p.rect([tx - 5, ty - th * 0.25, tx + 5, ty], fill=C("#0f1412"))
    # power poles and sagging lines
    poles = [(430, 718, 230), (820, 712, 215), (1210, 702, 200)]
    for px_, py_, ph in poles:
        p.rect([px_ - 6, py_ - ph, px_ + 6, py_], fill=C("#101412"))
        p.rect([px_ - 46, py_ - ph + 18, px_ + 46, py_ - ph + 26], fill=C("#101412"))
    for k in (-40, 0, 40):
        for (ax, ay, ah), (bx2, by2, bh) in zip(
            [(-100, 724, 240), *poles], [*poles, (1700, 690, 190)], strict=False
        ):
            p.line(
                catenary(ax + k, ay - ah + 20, bx2 + k, by2 - bh + 20, 38),
                fill=C("#121614"),
                width=1.6,
            )
    rain(base, rnd, n=1400, angle=0.32, alpha=60)
    vignette(base, 0.55)
    return base


def scene_storm_crew(rnd):
    base = sky([(0, "#070b16"), (0.6, "#1b2436"), (0.72, "#2a2f38"), (1, "#101318")])
    clouds(base, rnd, 8, 50, 300, "#2b3447", alpha=160, blur=24, smin=120, smax=260)
    p = Pen(base)
    # wet road
    p.poly([(0, 640), (1600, 610), (1600, 900), (0, 900)], fill=C("#15181d"))
    treeline(p, 640, 0, 700, 80, 190, C("#0a0d10"), rnd, ybot=660)
    # utility pole
    p.rect([1030, 170, 1046, 640], fill=C("#3a2e26"))
    p.rect([960, 200, 1116, 212], fill=C("#3a2e26"))
    for wx in (970, 1010, 1066, 1106):
        p.rect([wx - 4, 190, wx + 4, 202], fill=C("#7c8a8f"))
    p.line(catenary(-50, 215, 1000, 205, 30), fill=C("#0d0f12"), width=2)
    p.line(catenary(1100, 205, 1700, 240, 25), fill=C("#0d0f12"), width=2)
    # a downed line drooping to the road
    p.line(catenary(1100, 205, 1380, 640, 60), fill=C("#0d0f12"), width=2)
    # fallen tree across the shoulder
    p.line([(180, 700), (640, 655)], fill=C("#231a14"), width=26, round_caps=True)
    for bx, by, length in [(300, 690, 90), (420, 676, 70), (520, 666, 80)]:
        p.line([(bx, by), (bx + length * 0.5, by - length)], fill=C("#231a14"), width=8)
        p.circle(bx + length * 0.5, by - length, 26, fill=C("#0f1a12"))

    # truck
    tx, ty = 620, 700
    p.rect([tx, ty - 150, tx + 330, ty - 40], fill=C("#d7d5cc"))
    for i in range(4):
        p.rect(
            [tx + 14 + i * 80, ty - 136, tx + 76 + i * 80, ty - 60],
            fill=C("#c4c2b8"),
            outline=C("#9e9c94"),
        )
    p.poly(
        [
            (tx + 330, ty - 150),
            (tx + 420, ty - 150),
            (tx + 460, ty - 95),
            (tx + 460, ty - 40),
            (tx + 330, ty - 40),
        ],
        fill=C("#e2e0d8"),
    )
    p.poly(
        [(tx + 345, ty - 140), (tx + 412, ty - 140), (tx + 444, ty - 98), (tx + 345, ty - 98)],
        fill=C("#23303d"),
    )
    p.rect([tx - 10, ty - 46, tx + 470, ty - 30], fill=C("#3d3f42"))
    for wx in (tx + 70, tx + 250, tx + 390):
        p.circle(wx, ty - 26, 30, fill=C("#111213"))
        p.circle(wx, ty - 26, 12, fill=C("#55585c"))
    # boom and bucket with a lineworker
    p.line([(tx + 150, ty - 155), (tx + 300, ty - 390), (990, 255)], fill=C("#e8e6df"), width=18)
    p.rrect([950, 210, 1010, 268], 8, fill=C("#f2f0e9"))
    person(p, 982, 222, 68, C("#1b1d22"), coat=C("#f0c419"), hat=C("#f7f7f2"))
    # amber beacons and work lights
    glows(base, [(tx + 380, ty - 158, 9), (tx + 20, ty - 158, 9)], "#ffb13b", 255, blur=3)
    glows(base, [(tx + 380, ty - 158, 60), (tx + 20, ty - 158, 60)], "#ff9c1a", 110)
    radial_light(base, 1000, 225, 420, "#fff3d1", alpha=90)
    glow(base, 1012, 232, 14, "#ffffff", 255, blur=4)
    # reflections on the wet road
    lay = layer()
    p2 = Pen(lay)
    for x, c in [(tx + 380, "#ffb13b"), (tx + 20, "#ffb13b"), (1012, "#fff3d1")]:
        p2.rect([x - 10, 700, x + 10, 890], fill=C(c, 90))
    comp(base, lay, blur=10)
    rain(base, rnd, n=1500, angle=0.18, alpha=55, color="#b9c6d6")
    vignette(base, 0.55)
    return base


def scene_school(rnd):
    base = sky([(0, "#5f9fd7"), (0.55, "#bcdcf0"), (1, "#e4f1f7")])
    puffy_clouds(
        base, rnd, 5, 90, 230, alpha=235, smin=45, smax=110, xs=[140, 470, 1080, 1380, 1560]
    )
    p = Pen(base)
    p.rect([0, 690, W, H], fill=C("#6f9f4f"))
    lay = layer()
    p2 = Pen(lay)
    for y in range(700, 900, 18):
        p2.rect([0, y, W, y + 8], fill=C("#7fae5c", 90))
    comp(base, lay, blur=2)
    p = Pen(base)
    # main building
    p.rect([180, 380, 1420, 700], fill=C("#a9583f"))
    for y in range(390, 700, 14):  # brick courses
        p.line([(180, y), (1420, y)], fill=C("#96503b"), width=1)
    p.rect([180, 680, 1420, 700], fill=C("#d9d2c3"))
    p.rect([170, 368, 1430, 384], fill=C("#e6e0d2"))
    # roof: dark with a blue tarp and scaffolding on the right
    p.poly([(160, 370), (1440, 370), (1380, 300), (220, 300)], fill=C("#4a4f57"))
    p.poly([(930, 370), (1310, 370), (1268, 310), (960, 310)], fill=C("#2f6fb8"))
    for x in range(960, 1300, 34):
        p.line([(x, 312), (x - 10, 368)], fill=C("#285f9e"), width=2)
    for x in range(1300, 1430, 32):
        p.line([(x, 290), (x, 700)], fill=C("#c0c4c9"), width=4)
    for y in range(300, 700, 64):
        p.line([(1290, y), (1440, y)], fill=C("#c0c4c9"), width=4)
        p.line([(1290, y), (1320, y + 64)], fill=C("#aeb3b8"), width=2)
    windows_grid(p, 210, 410, 620, 660, 5, 2, C("#dfeaf0"), frame=C("#f4f1ea"), gap=0.3)
    windows_grid(p, 980, 410, 1390, 660, 5, 2, C("#dfeaf0"), frame=C("#f4f1ea"), gap=0.3)
    # entrance pavilion
    p.rect([660, 340, 940, 700], fill=C("#b4634a"))
    p.poly([(640, 345), (960, 345), (800, 240)], fill=C("#e8e2d4"))
    p.poly([(668, 338), (932, 338), (800, 258)], fill=C("#b4634a"))
    p.circle(800, 306, 22, fill=C("#f3efe6"))
    p.line([(800, 306), (800, 292)], fill=C("#333333"), width=3)
    p.line([(800, 306), (810, 310)], fill=C("#333333"), width=3)
    p.rect([646, 372, 954, 412], fill=C("#efe9dc"))
    p.text((800, 392), "ALDER BAY ELEMENTARY", 15, C("#5b2a1d"), "serif-bold", spacing=1.5)
    p.rrect([740, 520, 860, 700], 6, fill=C("#2d4a63"))
    p.line([(800, 520), (800, 700)], fill=C("#6b8aa5"), width=3)
    p.rect([748, 530, 792, 620], fill=C("#7fa6c4"))
    p.rect([808, 530, 852, 620], fill=C("#7fa6c4"))
    windows_grid(p, 690, 440, 910, 500, 3, 1, C("#dfeaf0"), frame=C("#f4f1ea"), gap=0.25)
    p.poly([(740, 700), (860, 700), (960, 900), (640, 900)], fill=C("#d6cfbf"))
    # flagpole with a school pennant
    p.line([(560, 700), (560, 250)], fill=C("#d8dde2"), width=5)
    p.poly([(562, 258), (660, 280), (562, 304)], fill=C("#1f5f8b"))
    p.poly([(562, 270), (630, 280), (562, 292)], fill=C("#f2c744"))
    # trees, autumn colours
    for tx, ty, r, leaf, sh in [
        (90, 720, 120, "#d98a2b", "#b96d1c"),
        (1520, 720, 130, "#c8502f", "#a63e22"),
        (300, 740, 70, "#e3b23c", "#c8962a"),
        (1250, 740, 60, "#79a447", "#5f8a35"),
    ]:
        round_tree(p, tx, ty, r, C(leaf), C("#4a3425"), rnd, shade=C(sh))
    lay = layer()
    Pen(lay).rect([180, 680, 1420, 720], fill=C("#000000", 60))
    comp(base, lay, blur=10)
    vignette(base, 0.25)
    return base


def scene_king_tide(rnd):
    hz = 610
    base = sky([(0, "#9ea9b1"), (0.5, "#cfd5d6"), (1, "#dfe1dc")])
    clouds(base, rnd, 10, 40, 300, "#8d979f", alpha=110, blur=30, smin=120, smax=300, flat=0.3)
    p = Pen(base)
    x = -20
    palette = ["#5f8f8b", "#d2a24c", "#a65a45", "#e6dcc6", "#6d7fa3", "#b88a6a", "#7c9a6a"]
    i = 0
    while x < W:
        w = rnd.uniform(190, 290)
        top = rnd.uniform(260, 360)
        col = palette[i % len(palette)]
        p.rect([x, top, x + w, hz], fill=C(col))
        p.rect([x - 4, top - 14, x + w + 4, top], fill=C(mix(col, "#ffffff", 0.35)))
        windows_grid(
            p,
            x + 20,
            top + 30,
            x + w - 20,
            top + 150,
            3,
            2,
            C("#eef1f0"),
            frame=C(mix(col, "#ffffff", 0.5)),
            gap=0.4,
        )
        # shopfront with awning
        p.rect([x + 16, hz - 150, x + w - 16, hz], fill=C("#3a4650"))
        p.rect([x + 26, hz - 140, x + w - 26, hz - 10], fill=C("#b9c8cf"))
        awn = mix(col, "#222222", 0.25)
        p.poly(
            [(x + 10, hz - 170), (x + w - 10, hz - 170), (x + w + 6, hz - 140), (x - 6, hz - 140)],
            fill=C(awn),
        )
        for k in range(int(w // 30)):
            sx = x + 10 + k * 30
            p.poly(
                [(sx, hz - 170), (sx + 15, hz - 170), (sx + 8 + 15, hz - 140), (sx + 8, hz - 140)],
                fill=C(mix(awn, "#ffffff", 0.6)),
            )
        x += w
        i += 1
    p.rect([0, hz - 8, W, hz], fill=C("#8a8c86"))
    # street sign
    p.rect([1340, 380, 1348, hz], fill=C("#3f4a44"))
    p.rect([1290, 384, 1440, 418], fill=C("#2d6a4f"))
    p.text((1365, 401), "FRONT ST", 18, C("#ffffff"), "sans-bold")
    water(base, hz, [(0, "#8e9289"), (1, "#545c59")], refl=0.5, wobble=7, rnd=rnd)
    wave_lines(base, rnd, hz + 4, H, "#e9ecea", n=200, alpha=60, lmax=90)

    # sandbags, cones standing in the water
    def stuff(p):
        for row in range(3):
            for k in range(6 - row):
                cx = 150 + k * 62 + row * 31
                cy = 720 - row * 26
                p.ellipse([cx - 34, cy - 18, cx + 34, cy + 16], fill=C("#b8a37a"))
                p.ellipse([cx - 30, cy - 16, cx + 24, cy + 4], fill=C("#c9b68e"))
        for cx, cy, s in [(820, 700, 1.0), (1000, 690, 0.85), (1180, 760, 1.25)]:
            p.poly(
                [
                    (cx - 26 * s, cy),
                    (cx - 7 * s, cy - 70 * s),
                    (cx + 7 * s, cy - 70 * s),
                    (cx + 26 * s, cy),
                ],
                fill=C("#ef7b24"),
            )
            p.poly(
                [
                    (cx - 17 * s, cy - 32 * s),
                    (cx - 12 * s, cy - 48 * s),
                    (cx + 12 * s, cy - 48 * s),
                    (cx + 17 * s, cy - 32 * s),
                ],
                fill=C("#f6f4ee"),
            )
            p.rect([cx - 34 * s, cy - 6 * s, cx + 34 * s, cy], fill=C("#e06c1c"))

    reflected(base, stuff, 740, opacity=0.35, rnd=rnd)
    lay = layer()
    p = Pen(lay)
    for cx, cy, r in [(820, 700, 40), (1000, 690, 34), (1180, 760, 50), (400, 735, 60)]:
        p.ellipse(
            [cx - r, cy - r * 0.18, cx + r, cy + r * 0.18], outline=C("#f4f6f4", 110), width=2
        )
    comp(base, lay, blur=1)
    vignette(base, 0.3)
    return base


def scene_town_hall(rnd):
    base = sky([(0, "#4f8fcf"), (0.6, "#b7d5ec"), (1, "#dcebf4")])
    puffy_clouds(
        base, rnd, 5, 90, 230, alpha=235, smin=45, smax=110, xs=[150, 460, 1130, 1420, 1600]
    )
    p = Pen(base)
    stone, shade, dark = C("#ebe4d4"), C("#cfc6b2"), C("#8e8573")
    p.rect([0, 760, W, H], fill=C("#c9c2b4"))
    for x in range(-200, W + 200, 80):
        p.line([(x, 760), (x - (x - 800) * 0.6, H)], fill=C("#b7b0a2"), width=2)
    # clock tower and cupola
    p.rect([730, 120, 870, 320], fill=stone)
    p.rect([830, 120, 870, 320], fill=shade)
    p.circle(800, 205, 44, fill=C("#f8f5ec"), outline=dark, width=4)
    for k in range(12):
        a = k * math.pi / 6
        p.line(
            [
                (800 + 36 * math.cos(a), 205 + 36 * math.sin(a)),
                (800 + 41 * math.cos(a), 205 + 41 * math.sin(a)),
            ],
            fill=dark,
            width=3,
        )
    p.line([(800, 205), (800, 175)], fill=C("#2b2b2b"), width=4)
    p.line([(800, 205), (822, 213)], fill=C("#2b2b2b"), width=4)
    p.rect([716, 110, 884, 124], fill=shade)
    p.pie([740, 40, 860, 170], 180, 360, fill=C("#4f7f74"))
    p.line([(800, 40), (800, 10)], fill=dark, width=3)
    # wings
    p.rect([250, 400, 1350, 760], fill=stone)
    p.rect([250, 400, 1350, 420], fill=shade)
    p.rect([240, 385, 1360, 402], fill=C("#f3eee2"))
    for wx in list(range(290, 560, 90)) + list(range(1060, 1330, 90)):
        for wy in (450, 590):
            p.rect([wx, wy, wx + 48, wy + 100], fill=C("#5a6f80"))
            p.pie([wx, wy - 24, wx + 48, wy + 24], 180, 360, fill=C("#5a6f80"))
            p.line([(wx + 24, wy - 24), (wx + 24, wy + 100)], fill=C("#f3eee2"), width=3)
            p.rect([wx - 6, wy + 100, wx + 54, wy + 108], fill=shade)
    # portico
    p.poly([(520, 330), (1080, 330), (800, 230)], fill=stone)
    p.poly([(560, 322), (1040, 322), (800, 248)], fill=shade)
    p.rect([520, 330, 1080, 372], fill=C("#f3eee2"))
    p.text((800, 351), "CITY OF ALDER BAY", 22, C("#6d6555"), "serif-bold", spacing=5)
    p.rect([540, 372, 1060, 700], fill=C("#d8d0bd"))
    p.rrect([760, 540, 840, 700], 4, fill=C("#4a3a2c"))
    for k in range(6):
        cx = 570 + k * 92
        p.rect([cx - 20, 380, cx + 20, 700], fill=stone)
        p.rect([cx + 6, 380, cx + 20, 700], fill=shade)
        p.rect([cx - 26, 372, cx + 26, 386], fill=C("#f3eee2"))
        p.rect([cx - 26, 692, cx + 26, 704], fill=C("#f3eee2"))
    for k in range(5):
        p.rect(
            [520 - k * 14, 700 + k * 12, 1080 + k * 14, 712 + k * 12],
            fill=C(mix("#efe9dc", "#c8bfae", k / 5)),
        )
    # lamps and trees
    for lx in (470, 1130):
        p.rect([lx - 4, 640, lx + 4, 760], fill=C("#2f3438"))
        p.rrect([lx - 12, 620, lx + 12, 646], 4, fill=C("#f6e7b6"))
    for tx, r, leaf, sh in [(120, 150, "#4f7f3a", "#3f6a2e"), (1490, 160, "#56843f", "#436d31")]:
        round_tree(p, tx, 780, r, C(leaf), C("#4a3425"), rnd, shade=C(sh))
    p.line([(1000, 230), (1000, 120)], fill=C("#dde1e4"), width=4)
    p.poly([(1002, 124), (1070, 136), (1002, 150)], fill=C("#2a6f9a"))
    vignette(base, 0.25)
    return base


def scene_polling_place(rnd):
    base = vgradient(CW, CH, [(0, "#e9e2d4"), (0.62, "#ddd4c2"), (0.63, "#a8896a"), (1, "#7e6248")])
    p = Pen(base)
    for y in range(570, 900, 26):
        p.line([(0, y), (W, y)], fill=C("#8d7055", 160), width=2)
    # window light
    lay = layer()
    p2 = Pen(lay)
    p2.poly([(1180, 120), (1460, 120), (1200, 900), (700, 900)], fill=C("#fff6dc", 70))
    comp(base, lay, blur=20)
    p.rect([1180, 110, 1460, 420], fill=C("#f7f3e8"), outline=C("#b9ad97"), width=8)
    p.line([(1320, 110), (1320, 420)], fill=C("#b9ad97"), width=6)
    p.line([(1180, 265), (1460, 265)], fill=C("#b9ad97"), width=6)
    # bunting
    pts = catenary(-20, 70, 1620, 70, 70, n=30)
    p.line(pts, fill=C("#6a5c4a"), width=2)
    cols = ["#233c66", "#c8413b", "#efe6d1"]
    for k in range(1, len(pts) - 1):
        x, y = pts[k]
        p.poly([(x - 22, y), (x + 22, y), (x, y + 44)], fill=C(cols[k % 3]))
    # vote sign
    p.rrect([120, 160, 520, 300], 16, fill=C("#233c66"))
    p.text((320, 212), "VOTE HERE", 52, C("#ffffff"), "sans-bold")
    p.poly(
        [(250, 254), (390, 254), (390, 244), (420, 266), (390, 288), (390, 278), (250, 278)],
        fill=C("#f2c744"),
    )
    # voting booths
    for k in range(5):
        bx = 150 + k * 270
        top, desk = 360, 560
        p.rect([bx - 4, desk, bx + 4, 800], fill=C("#6d6f73"))
        p.rect([bx + 196, desk, bx + 204, 800], fill=C("#6d6f73"))
        p.poly(
            [(bx - 30, top), (bx + 230, top), (bx + 230, desk + 20), (bx - 30, desk + 20)],
            fill=C("#f1efe9"),
        )
        p.rect([bx - 30, top, bx + 230, top + 26], fill=C("#233c66"))
        p.text((bx + 100, top + 13), "VOTE", 16, C("#ffffff"), "sans-bold", spacing=6)
        p.poly(
            [(bx - 30, top), (bx - 80, top + 40), (bx - 80, desk + 50), (bx - 30, desk + 20)],
            fill=C("#d9d6cd"),
        )
        p.poly(
            [(bx + 230, top), (bx + 270, top + 36), (bx + 270, desk + 46), (bx + 230, desk + 20)],
            fill=C("#cfccc3"),
        )
        if k in (1, 3):  # a voter's legs beneath the booth
            p.rect([bx + 70, desk + 30, bx + 96, 790], fill=C("#2f3a4a"))
            p.rect([bx + 108, desk + 30, bx + 134, 790], fill=C("#2f3a4a"))
            p.ellipse([bx + 60, 780, bx + 100, 800], fill=C("#1d1d1f"))
            p.ellipse([bx + 104, 780, bx + 144, 800], fill=C("#1d1d1f"))
        if k == 1:
            p.rect([bx + 60, desk - 10, bx + 144, desk + 60], fill=C("#a5513c"))
    lay = layer()
    p2 = Pen(lay)
    for k in range(5):
        bx = 150 + k * 270
        p2.ellipse([bx - 60, 780, bx + 260, 830], fill=C("#000000", 80))
    comp(base, lay, blur=12)
    vignette(base, 0.3)
    return base


def scene_council_chamber(rnd):
    base = vgradient(CW, CH, [(0, "#3e2a1f"), (0.5, "#6b4a32"), (1, "#2a1c14")])
    p = Pen(base)
    for x in range(0, W, 80):
        p.rect([x, 0, x + 6, 520], fill=C("#4d3424"))
    p.rect([0, 512, W, 530], fill=C("#3a281c"))
    # lights
    glows(base, [(x, 30, 26) for x in range(160, 1600, 320)], "#ffe2a8", 200, blur=18)
    radial_light(base, 800, 260, 700, "#ffd79a", alpha=70)
    p = Pen(base)
    # city seal
    p.circle(800, 200, 120, fill=C("#d9b65a"))
    p.circle(800, 200, 104, fill=C("#1f3a5a"))
    p.circle(800, 200, 96, outline=C("#d9b65a"), width=3)
    p.chord([710, 110, 890, 290], 0, 180, fill=C("#2b6d8a"))
    for k in range(3):
        yy = 214 + k * 18
        pts = [(716 + i * 8, yy + 5 * math.sin(i * 0.8)) for i in range(22)]
        p.line(pts, fill=C("#cfe6ef"), width=3)
    p.poly([(760, 206), (840, 206), (828, 220), (772, 220)], fill=C("#f2efe6"))
    p.line([(800, 206), (800, 140)], fill=C("#f2efe6"), width=3)
    p.poly([(804, 146), (804, 200), (842, 200)], fill=C("#f2efe6"))
    p.text((800, 345), "ALDER BAY CITY COUNCIL", 24, C("#e8cf8a"), "serif-bold", spacing=4)
    # high-backed chairs behind the dais
    for k in range(7):
        cx = 260 + k * 180
        p.rrect([cx - 40, 400, cx + 40, 560], 18, fill=C("#1b1411"))
    # curved dais
    p.chord([60, 480, 1540, 900], 180, 360, fill=C("#7b5434"))
    p.chord([100, 520, 1500, 940], 180, 360, fill=C("#5e3f27"))
    p.rect([60, 688, 1540, 720], fill=C("#4a311f"))
    for k in range(7):
        cx = 260 + k * 180
        y = 560 - 70 * math.sin(math.pi * (k + 0.5) / 7) + 60
        p.rect([cx - 46, y - 6, cx + 46, y + 20], fill=C("#efe9da"))
        p.rect([cx - 34, y + 4, cx + 34, y + 9], fill=C("#7b6f5e"))
        p.line([(cx + 30, y - 4), (cx + 46, y - 60)], fill=C("#151515"), width=3)
        p.circle(cx + 47, y - 62, 5, fill=C("#151515"))
    # audience from behind
    lay = layer()
    p2 = Pen(lay)
    for row, (y, s, n) in enumerate([(930, 330, 7), (1000, 380, 6)]):
        for k in range(n):
            x = (k + 0.5) * W / n + rnd.uniform(-40, 40) + (60 if row else 0)
            person(p2, x, y, s, C("#0e0a09"))
    comp(base, lay, blur=1.5)
    vignette(base, 0.5)
    return base


def scene_ballot_box(rnd):
    hz = 580
    base = sky(
        [(0, "#1e2b4b"), (0.35, "#4b5e8a"), (0.55, "#d99a7c"), (0.64, "#f5c58a"), (1, "#f5c58a")]
    )
    radial_light(base, 400, hz, 420, "#ffd9a0", alpha=120)
    p = Pen(base)
    treeline(p, hz - 2, 0, W, 14, 34, C("#2d3350"), rnd)
    water(base, hz, [(0, "#d9a58a"), (1, "#2f3b5c")], refl=0.5, wobble=5, rnd=rnd)
    shimmer(base, rnd, hz + 2, 700, 400, 60, "#ffe3b0", n=120, alpha=150, lmax=60)

    def masts(p):
        for k in range(14):
            x = 520 + k * 70 + rnd.uniform(-20, 20)
            s = rnd.uniform(0.55, 0.8)
            moored_sailboat(p, x, 640, s, C("#1c2138"))

    reflected(base, masts, 640, opacity=0.4, rnd=rnd)
    p = Pen(base)
    # breakwater / sidewalk / railing
    p.rect([0, 660, W, 700], fill=C("#3a3d4a"))
    p.poly([(0, 700), (W, 700), (W, H), (0, H)], fill=C("#5d5f66"))
    for x in range(-400, W + 400, 160):
        p.line([(x, 700), (x + (x - 800) * 0.5, H)], fill=C("#4c4e55"), width=3)
    p.line([(0, 640), (W, 640)], fill=C("#23252e"), width=5)
    for x in range(20, W, 120):
        p.rect([x - 3, 640, x + 3, 700], fill=C("#23252e"))
    # street lamp
    p.rect([360, 300, 372, 760], fill=C("#1e2028"))
    p.line([(366, 300), (366, 280), (430, 270)], fill=C("#1e2028"), width=8)
    p.rrect([412, 268, 458, 290], 6, fill=C("#1e2028"))
    radial_light(base, 436, 300, 300, "#ffe3a3", alpha=120)
    glow(base, 436, 292, 14, "#fff6d8", 255, blur=5)
    p = Pen(base)
    # ballot drop box
    bx0, bx1, btop, bbot = 820, 1120, 400, 800
    lay = layer()
    Pen(lay).ellipse([bx0 - 40, bbot - 20, bx1 + 80, bbot + 30], fill=C("#000000", 120))
    comp(base, lay, blur=10)
    p = Pen(base)
    p.rect([bx0 + 20, bbot - 30, bx1 - 20, bbot], fill=C("#1d2a44"))
    p.rrect([bx0, btop, bx1, bbot - 28], 26, fill=C("#2d5597"))
    p.rect([bx1 - 60, btop + 20, bx1, bbot - 28], fill=C("#244a86"))
    p.rrect([bx0 + 40, btop + 40, bx1 - 40, btop + 70], 8, fill=C("#0f1a2e"))
    p.rrect([bx0 + 30, btop + 110, bx1 - 30, btop + 270], 10, fill=C("#f4f1e8"))
    p.text(((bx0 + bx1) / 2, btop + 150), "OFFICIAL", 26, C("#2d5597"), "sans-bold", spacing=3)
    p.text(((bx0 + bx1) / 2, btop + 190), "BALLOT", 40, C("#1d2a44"), "sans-bold", spacing=3)
    p.text(((bx0 + bx1) / 2, btop + 235), "DROP BOX", 32, C("#1d2a44"), "sans-bold", spacing=3)
    p.rect([bx0 + 40, btop + 300, bx1 - 40, btop + 312], fill=C("#f2c744"))
    vignette(base, 0.45)
    return base


def scene_cannery(rnd):
    hz = 640
    base = sky([(0, "#79aed6"), (0.5, "#c8dbe2"), (0.7, "#f4d3a2"), (1, "#f4d3a2")])
    puffy_clouds(
        base,
        rnd,
        5,
        80,
        200,
        color="#fff8ee",
        shade="#e6c9b0",
        alpha=230,
        smin=45,
        smax=110,
        xs=[120, 480, 860, 1220, 1520],
    )
    radial_light(base, 1350, 420, 500, "#ffe2a8", alpha=110)
    p = Pen(base)
    hills(p, hz - 30, 60, C("#7f96a3"), rnd, bottom=hz + 2, freq=0.6)
    treeline(p, hz - 20, 0, 320, 18, 50, C("#5d7584"), rnd)
    water(base, hz, [(0, "#9fb8c0"), (1, "#33525e")], refl=0.5, wobble=6, rnd=rnd)
    wave_lines(base, rnd, hz + 4, H, "#eef4f4", n=160, alpha=60, lmax=90)
    lights = []

    def building(p):
        x0, x1, top, deck = 300, 1360, 300, 600
        for x in range(x0 - 20, x1 + 40, 46):
            p.rect([x, deck, x + 12, hz + 30], fill=C("#3b2e26"))
        p.rect([x0 - 40, deck, x1 + 60, deck + 18], fill=C("#5c4636"))
        p.rect([x0, top + 40, x1, deck], fill=C("#a23f2d"))
        for x in range(x0, x1, 12):
            p.line([(x, top + 40), (x, deck)], fill=C("#8e3526"), width=2)
        p.poly(
            [(x0 - 30, top + 44), (x1 + 30, top + 44), (x1 - 40, top - 60), (x0 + 40, top - 60)],
            fill=C("#6d7278"),
        )
        p.poly(
            [(x0 - 30, top + 44), (x1 + 30, top + 44), (x1 + 24, top + 52), (x0 - 24, top + 52)],
            fill=C("#4f5358"),
        )
        p.rect([x0 + 40, top + 66, x1 - 40, top + 140], fill=C("#8a3627"))
        p.text(
            ((x0 + x1) / 2, top + 104),
            "ALDER BAY CANNING CO.",
            54,
            C("#f1e3c6"),
            "serif-bold",
            spacing=6,
        )
        for k in range(6):
            wx = x0 + 80 + k * 170
            p.rect([wx, top + 180, wx + 90, top + 270], fill=C("#f6d58e"))
            p.line([(wx + 45, top + 180), (wx + 45, top + 270)], fill=C("#6b2a1f"), width=4)
            p.line([(wx, top + 225), (wx + 90, top + 225)], fill=C("#6b2a1f"), width=4)
            p.rect([wx - 4, top + 176, wx + 94, top + 274], outline=C("#efe6d6"), width=4)
        p.rect([760, 480, 900, 600], fill=C("#3b2a22"))
        p.rect([770, 490, 890, 600], fill=C("#f5cc7f"))
        for k in range(4):
            pts = catenary(
                x0 - 40 + k * 420, deck - 10, x0 - 40 + (k + 1) * 420, deck - 10, 40, n=14
            )
            p.line(pts, fill=C("#2b2320"), width=1.5)
            lights.extend(pts[1:-1])

    reflected(base, building, hz + 30, opacity=0.45, wobble=6, rnd=rnd)
    glows(base, [(x, y + 4, 4) for x, y in lights], "#fff0c2", 255, blur=1.5)
    glows(base, [(x, y + 4, 18) for x, y in lights], "#ffc766", 110)
    p = Pen(base)
    for gx, gy, gs in [(520, 150, 16), (580, 180, 12), (1450, 220, 14)]:
        gull(p, gx, gy, gs, C("#4e5a63"))
    vignette(base, 0.3)
    return base


def scene_oyster_flats(rnd):
    hz = 470
    base = sky([(0, "#b7cad6"), (0.4, "#dfe4e2"), (0.52, "#f3e3cc"), (1, "#f3e3cc")])
    radial_light(base, 1180, 360, 360, "#fff0d6", alpha=140)
    lay = layer()
    p = Pen(lay)
    hills(p, hz - 10, 90, C("#9fb1b8"), rnd, bottom=hz + 2, freq=0.5)
    treeline(p, hz - 6, 0, W, 16, 44, C("#8ba0a9"), rnd)
    comp(base, lay, blur=2.5)
    water(base, hz, [(0, "#e3e1d5"), (1, "#b9c3c2")], refl=0.35, wobble=3, rnd=rnd)
    # mud flats with shining channels
    p = Pen(base)
    p.poly(
        [(0, 520), (400, 505), (900, 515), (1600, 500), (1600, 900), (0, 900)], fill=C("#8c7f61")
    )
    lay = layer()
    p2 = Pen(lay)
    for _k in range(18):
        y = rnd.uniform(520, 880)
        x = rnd.uniform(-100, 1500)
        w = rnd.uniform(120, 420) * (0.5 + (y - 500) / 400)
        p2.ellipse(
            [x, y - 6 - (y - 500) / 40, x + w, y + 6 + (y - 500) / 40], fill=C("#dfe3dc", 150)
        )
    comp(base, lay, blur=3)
    lay = layer()
    p2 = Pen(lay)
    for y in range(520, 900, 6):
        t = (y - 520) / 380
        p2.line([(0, y), (W, y)], fill=C("#5e553f", int(40 * t)), width=2)
    comp(base, lay, blur=1)
    p = Pen(base)
    # rows of oyster bags converging towards the horizon
    vx, vy = 900, 470
    for r in range(-5, 7):
        xb = 800 + r * 260
        for k in range(14):
            t0 = k / 14
            t1 = t0 + 0.045
            y0 = vy + (900 - vy) * (t0**1.6) + 40
            y1 = vy + (900 - vy) * (t1**1.6) + 40
            if y0 > 900:
                break
            xa = vx + (xb - vx) * (y0 - vy) / (900 - vy)
            xc = vx + (xb - vx) * (y1 - vy) / (900 - vy)
            w = 6 + 70 * (y0 - vy) / (900 - vy)
            p.rrect(
                [min(xa, xc) - w, y0, max(xa, xc) + w, max(y0 + 2, y1)],
                max(1, w * 0.2),
                fill=C("#3f4a3f"),
            )
            p.line([(xa - w * 0.6, y0 + 1), (xa + w * 0.6, y0 + 1)], fill=C("#6d7a63"), width=1)
        # stakes
        for k in range(5):
            t = 0.15 + k * 0.2
            y = vy + (900 - vy) * t
            x = vx + (xb - vx) * (y - vy) / (900 - vy) + 20 * t
            hgt = 10 + 60 * t
            p.line([(x, y - hgt), (x, y + 4)], fill=C("#4a3a2b"), width=1 + 3 * t)
    # a farmer in waders, and a bucket
    person(p, 1180, 770, 200, C("#2b2f2c"), coat=C("#e0702b"), hat=C("#2d3e4b"))
    p.rect([1240, 735, 1290, 775], fill=C("#e7e2d3"))
    p.line([(1240, 735), (1265, 712), (1290, 735)], fill=C("#7b7b7b"), width=2)
    lay = layer()
    Pen(lay).ellipse([1110, 760, 1310, 790], fill=C("#2b2f2c", 90))
    comp(base, lay, blur=6)
    # mist
    lay = layer()
    Pen(lay).rect([0, 440, W, 520], fill=C("#ffffff", 120))
    comp(base, lay, blur=24)
    # heron
    p = Pen(base)
    p.line([(420, 560), (420, 520)], fill=C("#4f5b63"), width=2)
    p.line([(426, 560), (424, 520)], fill=C("#4f5b63"), width=2)
    p.ellipse([400, 478, 452, 526], fill=C("#7c8a93"))
    p.line([(440, 486), (452, 450), (446, 440)], fill=C("#7c8a93"), width=6)
    p.line([(446, 440), (470, 446)], fill=C("#d9a441"), width=3)
    vignette(base, 0.25)
    return base


def scene_market_stall(rnd):
    base = sky([(0, "#1f2450"), (0.45, "#4d3f78"), (0.62, "#8a5a7e"), (1, "#2a1e2a")])
    p = Pen(base)
    x = -30
    while x < W:
        w = rnd.uniform(150, 260)
        top = rnd.uniform(170, 300)
        p.rect([x, top, x + w, 560], fill=C("#231c35"))
        windows_grid(
            p,
            x + 16,
            top + 30,
            x + w - 16,
            520,
            3,
            4,
            C("#2e2645"),
            gap=0.45,
            lit=(C("#f4c46d"), 0.4),
            rnd=rnd,
        )
        x += w + 6
    p.rect([0, 560, W, H], fill=C("#3a2e34"))
    for y in range(580, 900, 30):
        p.line([(0, y), (W, y)], fill=C("#322830"), width=2)
    bulbs = []
    for _k, (y0, sag) in enumerate([(120, 90), (70, 110), (170, 70)]):
        pts = catenary(-40, y0, W + 40, y0 + 20, sag, n=36)
        Pen(base).line(pts, fill=C("#181220"), width=1.5)
        bulbs.extend(pts[1:-1])
    glows(base, [(x, y + 6, 22) for x, y in bulbs], "#ffb85a", 120)
    glows(base, [(x, y + 6, 5) for x, y in bulbs], "#fff2c6", 255, blur=1.5)
    stalls = [(40, 520, "#c8413b"), (560, 1040, "#2f7a5a"), (1080, 1580, "#d08a2a")]
    for sx0, sx1, col in stalls:
        p = Pen(base)
        p.line([(sx0 + 10, 380), (sx0 + 10, 800)], fill=C("#2b2226"), width=8)
        p.line([(sx1 - 10, 380), (sx1 - 10, 800)], fill=C("#2b2226"), width=8)
        # back wall of the stall, warmly lit
        p.rect([sx0 + 14, 420, sx1 - 14, 640], fill=C("#6a4536"))
        radial_light(base, (sx0 + sx1) / 2, 520, 300, "#ffcf80", alpha=90)
        p = Pen(base)
        # striped awning with scalloped edge
        n = 10
        sw = (sx1 - sx0 + 40) / n
        for k in range(n):
            c = C(col) if k % 2 == 0 else C("#f4ede0")
            xa = sx0 - 20 + k * sw
            p.poly([(xa + 20, 330), (xa + sw + 20, 330), (xa + sw, 410), (xa, 410)], fill=c)
            p.pie([xa, 388, xa + sw, 432], 0, 180, fill=c)
        # wreaths
        for wx in (sx0 + 120, sx1 - 120):
            p.circle(wx, 500, 40, fill=C("#2f5a36"))
            p.circle(wx, 500, 22, fill=C("#6a4536"))
            for a in range(0, 360, 45):
                p.circle(
                    wx + 31 * math.cos(math.radians(a)),
                    500 + 31 * math.sin(math.radians(a)),
                    5,
                    fill=C("#c8413b"),
                )
            p.poly([(wx - 14, 462), (wx + 14, 462), (wx, 476)], fill=C("#c8413b"))
        # table with goods
        p.rect([sx0 + 20, 640, sx1 - 20, 660], fill=C("#efe6d4"))
        p.poly(
            [(sx0 + 20, 660), (sx1 - 20, 660), (sx1 - 10, 800), (sx0 + 10, 800)],
            fill=C(mix(col, "#ffffff", 0.15)),
        )
        for k in range(5):
            cx = sx0 + 60 + k * (sx1 - sx0 - 120) / 4
            p.rect([cx - 36, 600, cx + 36, 642], fill=C("#8c6a45"))
            palette = ["#c8413b", "#f2c744", "#e9e2d0", "#3f7fbf", "#2f7a5a", "#e07a3a"]
            for j in range(5):
                p.circle(
                    cx - 24 + j * 12, 598 - (j % 2) * 8, 11, fill=C(palette[(k + j) % len(palette)])
                )
    # shoppers in silhouette, rim-lit
    lay = layer()
    p2 = Pen(lay)
    for k in range(9):
        x = 60 + k * 185 + rnd.uniform(-40, 40)
        hgt = rnd.uniform(300, 380)
        person(p2, x, 980, hgt, C("#120e16"), hat=C("#120e16") if k % 3 == 0 else None)
    comp(base, lay, blur=1.2)
    vignette(base, 0.45)
    return base


def scene_hardware_store(rnd):
    base = sky([(0, "#9cc6e4"), (1, "#d8e9f2")])
    p = Pen(base)
    # brick facade
    p.rect([60, 0, 1540, 820], fill=C("#8c4a38"))
    for y in range(0, 820, 16):
        p.line([(60, y), (1540, y)], fill=C("#7a3f30"), width=2)
        off = 0 if (y // 16) % 2 else 24
        for x in range(60 + off, 1540, 48):
            p.line([(x, y), (x, y + 16)], fill=C("#7a3f30"), width=2)
    p.rect([40, 0, 1560, 24], fill=C("#d9cfbb"))
    for k in range(4):
        wx = 180 + k * 340
        p.rect([wx - 10, 60, wx + 170, 240], fill=C("#d9cfbb"))
        p.rect([wx, 70, wx + 160, 240], fill=C("#52697a"))
        p.line([(wx + 80, 70), (wx + 80, 240)], fill=C("#e8e1d2"), width=6)
        p.line([(wx, 150), (wx + 160, 150)], fill=C("#e8e1d2"), width=6)
    # sign band
    p.rect([60, 280, 1540, 400], fill=C("#234a3a"))
    p.rect([74, 292, 1526, 388], outline=C("#d9b65a"), width=4)
    p.text((800, 334), "PETTERSEN'S HARDWARE", 66, C("#e9cf7e"), "serif-bold", spacing=5)
    p.text(
        (800, 376),
        "EST. 1965  \u00b7  TOOLS \u00b7 PAINT \u00b7 MARINE SUPPLY",
        18,
        C("#e9cf7e"),
        "sans-bold",
        spacing=3,
    )
    # storefront
    p.rect([60, 400, 1540, 820], fill=C("#2f5a46"))
    # awning
    n = 20
    sw = 1500 / n
    p.rect([60, 400, 1540, 410], fill=C("#1b3a2d"))
    for k in range(n):
        c = C("#8e2a2a") if k % 2 else C("#f1e9d8")
        xa = 50 + k * sw
        p.poly(
            [
                (xa + 10 * (1 - k / n), 408),
                (xa + sw + 10 * (1 - (k + 1) / n), 408),
                (xa + sw, 470),
                (xa, 470),
            ],
            fill=c,
        )
        p.pie([xa, 452, xa + sw, 488], 0, 180, fill=c)
    for side, (x0, x1) in enumerate([(110, 660), (940, 1490)]):
        p.rect([x0, 500, x1, 780], fill=C("#cfe0e6"))
        lay = layer()
        Pen(lay).poly(
            [(x0, 500), (x0 + 160, 500), (x0 + 20, 780), (x0, 780)], fill=C("#ffffff", 90)
        )
        comp(base, lay, blur=6)
        p = Pen(base)
        # display: shelves with paint cans, a watering can, tools
        for sy in (620, 700):
            p.rect([x0 + 20, sy, x1 - 20, sy + 8], fill=C("#6d5139"))
        for k in range(8):
            cx = x0 + 50 + k * (x1 - x0 - 100) / 7
            col = [
                "#c8413b",
                "#f2c744",
                "#3f7fbf",
                "#f4f1e8",
                "#2f7a5a",
                "#e07a3a",
                "#7a5ea8",
                "#c8413b",
            ][(k + side * 3) % 8]
            p.rect([cx - 20, 580, cx + 20, 620], fill=C(col))
            p.rect([cx - 20, 588, cx + 20, 598], fill=C("#f4f1e8"))
            p.ellipse([cx - 20, 574, cx + 20, 586], fill=C("#b8bcc0"))
        for k in range(5):
            cx = x0 + 70 + k * (x1 - x0 - 140) / 4
            p.line([(cx, 700), (cx, 640)], fill=C("#8a6a48"), width=5)
            p.rect([cx - 22, 636, cx + 22, 652], fill=C("#5c6369"))
        p.rect([x0 + 20, 740, x1 - 20, 748], fill=C("#6d5139"))
        p.rect([x0, 500, x1, 780], outline=C("#e8e1d2"), width=8)
    # hand-lettered sign in the left window
    p.rect([250, 512, 520, 568], fill=C("#fbf7ea"))
    p.text((385, 540), "THANK YOU, ALDER BAY", 20, C("#b0322b"), "sans-bold")
    # door
    p.rect([700, 490, 900, 820], fill=C("#234a3a"))
    p.rect([722, 510, 878, 700], fill=C("#a9c4cf"))
    p.rect([760, 540, 840, 580], fill=C("#fbf7ea"))
    p.text((800, 560), "OPEN", 20, C("#2f5a46"), "sans-bold")
    p.circle(862, 740, 7, fill=C("#d9b65a"))
    # sidewalk and a bench
    p.rect([0, 820, W, H], fill=C("#b6b1a8"))
    for x in range(0, W, 200):
        p.line([(x, 820), (x, H)], fill=C("#a19c93"), width=3)
    p.rect([1040, 790, 1400, 806], fill=C("#6d5139"))
    p.rect([1060, 806, 1072, 860], fill=C("#2c2c2c"))
    p.rect([1368, 806, 1380, 860], fill=C("#2c2c2c"))
    lay = layer()
    Pen(lay).rect([60, 486, 1540, 520], fill=C("#000000", 90))
    comp(base, lay, blur=12)
    vignette(base, 0.3)
    return base


def scene_lantern_walk(rnd):
    hz = 520
    base = sky([(0, "#0a1330"), (0.5, "#1f2f5e"), (0.6, "#37467a"), (1, "#37467a")])
    lay = layer()
    p = Pen(lay)
    for _ in range(140):
        x, y = rnd.uniform(0, W), rnd.uniform(0, hz - 80)
        p.circle(x, y, rnd.uniform(0.6, 1.6), fill=C("#ffffff", int(rnd.uniform(90, 220))))
    comp(base, lay, blur=0.3)
    radial_light(base, 1260, 150, 200, "#dfe6ff", alpha=80)
    glow(base, 1260, 150, 34, "#f7f5e8", 255, blur=3)
    p = Pen(base)
    hills(p, hz - 10, 70, C("#121a36"), rnd, bottom=hz + 2, freq=0.7)
    treeline(p, hz - 6, 0, W, 14, 32, C("#0e1530"), rnd)
    glows(
        base,
        [(rnd.uniform(0, W), hz - rnd.uniform(6, 30), 2.5) for _ in range(30)],
        "#ffd68a",
        220,
        blur=1,
    )
    water(base, hz, [(0, "#27335e"), (1, "#0b1126")], refl=0.55, wobble=6, rnd=rnd)
    # floating lanterns on the water
    floats = []
    for _ in range(46):
        y = rnd.uniform(hz + 10, 680)
        t = (y - hz) / 160
        floats.append((rnd.uniform(0, W), y, 2 + 6 * t))
    lay = layer()
    p = Pen(lay)
    for x, y, s in floats:
        p.rect([x - s * 0.15, y, x + s * 0.15, y + 50 + 80 * s / 8], fill=C("#ffb45a", 70))
    comp(base, lay, blur=4)
    glows(base, [(x, y, s * 4) for x, y, s in floats], "#ff9f40", 120)
    glows(base, [(x, y, s) for x, y, s in floats], "#ffe0a0", 255, blur=1)
    # promenade railing and the crowd holding lanterns
    p = Pen(base)
    p.rect([0, 700, W, H], fill=C("#0b0d1a"))
    lay = layer()
    p = Pen(lay)
    held = []
    for k in range(16):
        x = 40 + k * 100 + rnd.uniform(-30, 30)
        hgt = rnd.uniform(300, 380)
        person(p, x, 960, hgt, C("#07080f"))
        if k % 2 == 0 or rnd.random() < 0.4:
            hx = x + rnd.choice([-1, 1]) * hgt * 0.2
            hy = 960 - hgt * 0.6
            top = hy - rnd.uniform(80, 160)
            p.line([(x, hy + 30), (hx, top)], fill=C("#07080f"), width=4)
            held.append((hx, top + 22, rnd.choice(["#ffb35c", "#ff8f6b", "#ffd27a", "#f6a6c1"])))
    p.rect([0, 690, W, 698], fill=C("#1a1d2c"))
    for x in range(0, W, 90):
        p.rect([x, 690, x + 6, 760], fill=C("#1a1d2c"))
    comp(base, lay)
    for hx, hy, col in held:
        glow(base, hx, hy, 70, col, 110)
        p = Pen(base)
        p.rrect([hx - 16, hy - 20, hx + 16, hy + 20], 12, fill=C(col))
        p.rect([hx - 10, hy - 24, hx + 10, hy - 19], fill=C("#3a2a20"))
        glow(base, hx, hy, 10, "#fff4d6", 200, blur=5)
    vignette(base, 0.5)
    return base


def scene_playhouse_stage(rnd):
    base = vgradient(CW, CH, [(0, "#0d0a10"), (1, "#1a1218")])
    p = Pen(base)
    # painted storm backdrop
    x0, x1, y0, y1 = 250, 1350, 170, 700
    bd = vgradient(
        (x1 - x0) * S, (y1 - y0) * S, [(0, "#1c2c52"), (0.55, "#3e5a86"), (1, "#22364f")]
    )
    base.paste(bd, (x0 * S, y0 * S))
    clouds(base, rnd, 6, 200, 330, "#5a6f95", alpha=150, blur=16, smin=80, smax=160, flat=0.35)
    p = Pen(base)
    for k in range(4):
        yy = 520 + k * 40
        pts = [(x, yy + 22 * math.sin(x / 70 + k)) for x in range(x0, x1 + 10, 10)]
        p.poly([*pts, (x1, y1), (x0, y1)], fill=C(mix("#2d5c7a", "#14263b", k / 4)))
        p.line(pts, fill=C("#9fc3d6"), width=3)
    p.poly([(440, 530), (580, 530), (550, 490), (470, 490)], fill=C("#1c1410"))
    p.line([(510, 490), (516, 370)], fill=C("#1c1410"), width=4)
    p.poly([(519, 378), (519, 480), (578, 480)], fill=C("#d7cfb8"))
    p.poly([(507, 386), (507, 480), (462, 480)], fill=C("#c9c0a6"))
    # stage floor
    p.poly([(180, 700), (1420, 700), (1600, 820), (0, 820)], fill=C("#3b2a20"))
    for k in range(14):
        xa = 180 + k * 95
        p.line([(xa, 700), (xa + (xa - 800) * 0.28, 820)], fill=C("#2e2018"), width=2)
    # proscenium, curtains, valance
    p.rect([0, 0, W, 110], fill=C("#2a1410"))
    p.rect([0, 0, 160, 820], fill=C("#2a1410"))
    p.rect([1440, 0, W, 820], fill=C("#2a1410"))
    for side in (0, 1):
        for k in range(9):
            xa = 160 + k * 20 if side == 0 else 1440 - (k + 1) * 20
            w = 20
            shade = mix("#8e1c22", "#4a0a10", (k % 3) / 3)
            top = 110
            bottom = 820 if k < 3 else 820 - (k - 2) * 30
            p.rect([xa, top, xa + w, bottom], fill=C(shade))
    p.rect([160, 100, 1440, 170], fill=C("#7d1419"))
    for k in range(16):
        xa = 160 + k * 80
        p.pie([xa, 140, xa + 80, 200], 0, 180, fill=C("#7d1419"))
    p.rect([150, 92, 1450, 104], fill=C("#c9a24a"))
    # spotlight cone and pool
    lay = layer()
    p2 = Pen(lay)
    p2.poly([(760, 0), (840, 0), (1060, 740), (840, 740)], fill=C("#fff3d6", 70))
    p2.ellipse([800, 700, 1100, 770], fill=C("#fff3d6", 140))
    comp(base, lay, blur=14)
    for cx, col in [(380, "#5b7cff"), (1220, "#c25bff"), (600, "#ffb35b")]:
        lay = layer()
        Pen(lay).poly(
            [
                (cx - 10, 110),
                (cx + 10, 110),
                (cx + 190 * (1 if cx < 800 else -1) + 80, 720),
                (cx + 190 * (1 if cx < 800 else -1) - 80, 720),
            ],
            fill=C(col, 40),
        )
        comp(base, lay, blur=18)
        glow(base, cx, 118, 14, col, 230, blur=5)
    # Prospero with his staff
    p = Pen(base)
    fx, fy = 950, 740
    p.poly(
        [(fx - 60, fy), (fx - 30, fy - 170), (fx + 30, fy - 170), (fx + 70, fy)], fill=C("#15101a")
    )
    p.circle(fx, fy - 190, 24, fill=C("#15101a"))
    p.line([(fx + 30, fy - 160), (fx + 80, fy - 250)], fill=C("#15101a"), width=12, round_caps=True)
    p.line([(fx + 84, fy - 290), (fx + 84, fy + 4)], fill=C("#2b1d14"), width=7)
    glow(base, fx + 84, fy - 296, 12, "#cfe4ff", 255, blur=6)
    glow(base, fx + 84, fy - 296, 60, "#9fc8ff", 120)
    # audience heads
    lay = layer()
    p2 = Pen(lay)
    for row, (y, s) in enumerate([(960, 300), (1010, 360)]):
        for k in range(10):
            x = k * 170 + (85 if row else 0) + rnd.uniform(-20, 20)
            person(p2, x, y, s, C("#050406"))
    comp(base, lay, blur=1.5)
    vignette(base, 0.55)
    return base


def scene_mural(rnd):
    base = vgradient(CW, CH, [(0, "#e8dcc5"), (1, "#dccdb0")])
    p = Pen(base)
    x0, x1, y0, y1 = 40, 1560, 40, 760
    mur = vgradient(
        (x1 - x0) * S,
        (y1 - y0) * S,
        [(0, "#f3b25c"), (0.45, "#f6d48c"), (0.5, "#5fb3b8"), (1, "#1f5f7a")],
    )
    base.paste(mur, (x0 * S, y0 * S))
    p = Pen(base)
    # sun with rays
    for k in range(16):
        a = k * math.pi / 8
        p.poly(
            [
                (360, 240),
                (360 + 400 * math.cos(a - 0.08), 240 + 400 * math.sin(a - 0.08)),
                (360 + 400 * math.cos(a + 0.08), 240 + 400 * math.sin(a + 0.08)),
            ],
            fill=C("#f7c66c"),
        )
    p.rect([x0, 400, x1, y1], fill=None)
    p.circle(360, 240, 120, fill=C("#e8632f"))
    p.circle(360, 240, 90, fill=C("#f28a3a"))
    # mountains and firs
    p.poly([(700, 400), (930, 160), (1100, 320), (1250, 200), (1560, 400)], fill=C("#4e6f8f"))
    p.poly([(890, 205), (930, 160), (975, 210), (945, 200), (925, 220)], fill=C("#f4efe6"))
    treeline(p, 400, 620, 1560, 40, 110, C("#2d5a4a"), rnd, gap=(18, 34))
    # stylised waves
    p.rect([x0, 400, x1, y1], fill=C("#2f7f95"))
    for k in range(6):
        yy = 420 + k * 58
        pts = [(x, yy + 18 * math.sin(x / 55 + k * 1.3)) for x in range(x0, x1 + 10, 10)]
        p.poly([*pts, (x1, y1), (x0, y1)], fill=C(mix("#4fb0c0", "#123f5c", k / 6)))
        p.line(pts, fill=C("#e9f4f2"), width=5)
    # fishing boat
    p.poly([(980, 470), (1360, 450), (1320, 520), (1020, 528)], fill=C("#c8413b"))
    p.poly([(980, 470), (1360, 450), (1356, 462), (982, 482)], fill=C("#f4efe6"))
    p.rect([1180, 380, 1280, 458], fill=C("#f4efe6"))
    p.rect([1196, 394, 1264, 420], fill=C("#2d4a63"))
    p.line([(1080, 466), (1080, 300)], fill=C("#3d2b22"), width=8)
    p.line([(1080, 310), (1000, 440)], fill=C("#3d2b22"), width=5)
    # net and fish
    for k in range(8):
        p.line([(1000 + k * 12, 440), (960 + k * 20, 640)], fill=C("#e9e0c9"), width=2)
    for k in range(6):
        p.line(
            [(1000 - k * 8, 440 + k * 34), (1090 + k * 4, 440 + k * 34)], fill=C("#e9e0c9"), width=2
        )
    for fx, fy, s, col in [
        (300, 560, 1.4, "#f2c744"),
        (520, 640, 1.0, "#f28a3a"),
        (700, 560, 1.2, "#f4efe6"),
        (180, 680, 0.9, "#f28a3a"),
        (860, 690, 1.1, "#f2c744"),
        (1450, 640, 1.3, "#f4efe6"),
    ]:
        p.ellipse([fx - 60 * s, fy - 22 * s, fx + 50 * s, fy + 22 * s], fill=C(col))
        p.poly(
            [(fx + 40 * s, fy), (fx + 86 * s, fy - 26 * s), (fx + 86 * s, fy + 26 * s)], fill=C(col)
        )
        p.circle(fx - 38 * s, fy - 5 * s, 5 * s, fill=C("#1b2a36"))
    # lettering
    p.text((360, 110), "", 10, C("#000000"))
    p.rrect([80, 690, 600, 750], 10, fill=C("#f4efe6"))
    p.text((340, 720), "WE LIVE BY THE TIDE", 30, C("#1f5f7a"), "serif-bold", spacing=3)
    # brick texture over the paint
    lay = layer()
    p2 = Pen(lay)
    for y in range(y0, y1, 20):
        p2.line([(x0, y), (x1, y)], fill=C("#3a2a20", 55), width=2)
        off = 0 if (y // 20) % 2 else 30
        for x in range(x0 + off, x1, 60):
            p2.line([(x, y), (x, y + 20)], fill=C("#3a2a20", 45), width=2)
    comp(base, lay, blur=0.6)
    p = Pen(base)
    p.rect([0, 760, W, H], fill=C("#9d988e"))
    p.rect([0, 760, W, 776], fill=C("#7f7a71"))
    # ladder, drop cloth, paint cans
    p.poly([(1120, 880), (1560, 880), (1600, 900), (1080, 900)], fill=C("#ece6d8"))
    p.line([(1330, 880), (1410, 260)], fill=C("#b58b55"), width=12)
    p.line([(1450, 880), (1490, 260)], fill=C("#b58b55"), width=12)
    for k in range(9):
        t = (k + 0.6) / 10
        ya = 880 - t * 620
        p.line([(1330 + t * 80, ya), (1450 + t * 40, ya)], fill=C("#a67c48"), width=8)
    for cx, col in [(1180, "#c8413b"), (1240, "#2f7f95"), (1560, "#f2c744")]:
        p.rect([cx - 26, 830, cx + 26, 886], fill=C("#c6c9cc"))
        p.rect([cx - 26, 830, cx + 26, 846], fill=C(col))
        p.ellipse([cx - 26, 822, cx + 26, 838], fill=C(col))
    lay = layer()
    Pen(lay).rect([0, 760, W, 800], fill=C("#000000", 70))
    comp(base, lay, blur=10)
    vignette(base, 0.3)
    return base


def scene_soccer_field(rnd):
    base = sky([(0, "#5d95c9"), (0.35, "#bcd3df"), (0.48, "#f6cf95"), (1, "#f6cf95")])
    puffy_clouds(
        base,
        rnd,
        5,
        80,
        260,
        color="#fff6ea",
        shade="#e3bfa0",
        alpha=230,
        smin=50,
        smax=120,
        xs=[150, 520, 900, 1200, 1500],
    )
    radial_light(base, 1350, 420, 420, "#ffe0a0", alpha=130)
    p = Pen(base)
    treeline(p, 470, 0, W, 60, 150, C("#24402f"), rnd, gap=(10, 22), ybot=480)
    # bleachers
    for k in range(6):
        p.rect(
            [60, 370 + k * 18, 520 - k * 4, 388 + k * 18], fill=C(mix("#9aa3a8", "#6d767b", k / 6))
        )
    for k in range(22):
        x = 80 + (k % 11) * 38 + rnd.uniform(-6, 6)
        y = 382 + (k // 11) * 36
        person(p, x, y + 22, 36, C(["#234a7a", "#e3b23c", "#c8413b", "#f2f0ea", "#2f3a4a"][k % 5]))
    # field with mowing stripes converging to a vanishing point
    vx, vy = 800, 150
    top = 478
    p.rect([0, top, W, H], fill=C("#4f9a3f"))
    for k in range(-12, 13):
        if k % 2:
            continue
        xa0 = 800 + k * 160
        xa1 = 800 + (k + 1) * 160

        def at(xb, y):
            return vx + (xb - vx) * (y - vy) / (H - vy)

        p.poly([(at(xa0, top), top), (at(xa1, top), top), (xa1, H), (xa0, H)], fill=C("#5aa848"))
    # lines: sideline, penalty box, goal
    p.line([(0, 520), (W, 520)], fill=C("#f4f7f0"), width=4)
    p.line([(980, 520), (1230, 900)], fill=C("#f4f7f0"), width=5)
    p.line([(1360, 560), (W, 560)], fill=C("#f4f7f0"), width=4)
    p.line([(1360, 560), (1230, 900)], fill=C("#f4f7f0"), width=5)
    # goal
    lay = layer()
    p2 = Pen(lay)
    gx0, gx1, gy = 1350, 1600, 520
    for k in range(14):
        p2.line(
            [(gx0 + k * 20, gy - 130), (gx0 + 20 + k * 20, gy)], fill=C("#ffffff", 110), width=1.5
        )
    for k in range(7):
        p2.line(
            [(gx0, gy - 130 + k * 20), (gx1, gy - 130 + k * 20)], fill=C("#ffffff", 110), width=1.5
        )
    comp(base, lay)
    p = Pen(base)
    p.line([(gx0, gy + 6), (gx0, gy - 140), (gx1, gy - 140)], fill=C("#ffffff"), width=7)
    # long evening shadows, then players
    players = [
        (420, 760, 230, "kick", False, "#1f3f73", "#f2c744"),
        (640, 690, 190, "run", False, "#1f3f73", "#f2c744"),
        (900, 640, 160, "run", True, "#b93a34", "#f4f1ea"),
        (1100, 610, 140, "run", True, "#b93a34", "#f4f1ea"),
        (260, 620, 150, "run", False, "#1f3f73", "#f2c744"),
        (1260, 580, 120, "stand", True, "#2e2e2e", "#3fbf7f"),
    ]
    lay = layer()
    p2 = Pen(lay)
    for x, y, h, *_ in players:
        p2.poly(
            [
                (x - 14, y),
                (x + 14, y),
                (x - h * 0.9 + 14, y + h * 0.2),
                (x - h * 0.9 - 14, y + h * 0.2),
            ],
            fill=C("#1f3a18", 110),
        )
    comp(base, lay, blur=4)
    p = Pen(base)
    for x, y, h, pose, flip, shorts, shirt in players:
        figure(p, x, y, h, C("#2a1f1a"), pose=pose, flip=flip, jersey=C(shirt))
        p.rect([x - h * 0.07, y - h * 0.54, x + h * 0.07, y - h * 0.44], fill=C(shorts))
    p.circle(500, 744, 16, fill=C("#ffffff"))
    p.pie([484, 728, 516, 760], 200, 260, fill=C("#222222"))
    vignette(base, 0.3)
    return base


def scene_cross_country(rnd):
    base = sky([(0, "#77a9d8"), (0.5, "#d6e6ef"), (1, "#eef3f2")])
    puffy_clouds(
        base, rnd, 5, 80, 220, alpha=235, smin=45, smax=120, xs=[130, 480, 820, 1160, 1480]
    )
    p = Pen(base)
    hills(p, 380, 90, C("#8aa6a0"), rnd, bottom=H, freq=0.6)
    treeline(p, 400, 0, W, 24, 60, C("#5d7d70"), rnd, gap=(10, 20))
    hills(p, 470, 80, C("#a8b06a"), rnd, bottom=H, freq=0.9)
    hills(p, 580, 90, C("#86a04e"), rnd, bottom=H, freq=0.8)
    hills(p, 720, 90, C("#6d8d3c"), rnd, bottom=H, freq=0.7)
    # trail winding into the distance
    pts = []
    for k in range(60):
        t = k / 59
        y = 900 - t * 460
        x = 800 + 420 * math.sin(t * 5.2) * (1 - t) + 200 * t
        pts.append((x, y, 140 * (1 - t) ** 1.4 + 6))
    left = [(x - w, y) for x, y, w in pts]
    right = [(x + w, y) for x, y, w in reversed(pts)]
    p.poly(left + right, fill=C("#d8c39a"))
    p.line([(x - w, y) for x, y, w in pts], fill=C("#b9a478"), width=3)
    # autumn trees
    for tx, ty, r, leaf, sh in [
        (140, 640, 110, "#d9782b", "#b95d1c"),
        (1420, 600, 120, "#c84f2f", "#a43d22"),
        (1250, 470, 50, "#e3b23c", "#c8962a"),
        (330, 500, 55, "#d9782b", "#b95d1c"),
        (1540, 800, 90, "#e3b23c", "#c8962a"),
    ]:
        round_tree(p, tx, ty, r, C(leaf), C("#4a3425"), rnd, shade=C(sh))
    # course flags along the trail
    for k in range(8, 56, 6):
        x, y, w = pts[k]
        fx = x + w + 16
        p.line([(fx, y), (fx, y - 10 - w * 0.4)], fill=C("#333333"), width=1 + w / 60)
        p.poly(
            [(fx, y - 10 - w * 0.4), (fx + 6 + w * 0.2, y - 6 - w * 0.35), (fx, y - 2 - w * 0.3)],
            fill=C("#e8402f" if k % 12 else "#2f6fb8"),
        )
    # runners, big in front and smaller up the trail
    lay = layer()
    p2 = Pen(lay)
    runners = [
        (6, 0, "#1f3f73", "#f2c744"),
        (14, -30, "#7b2d8f", "#f4f1ea"),
        (20, 20, "#1f3f73", "#f2c744"),
        (30, -10, "#b93a34", "#f4f1ea"),
        (38, 5, "#1f3f73", "#f2c744"),
        (46, 0, "#2f7a5a", "#f4f1ea"),
    ]
    for idx, dx, shorts, shirt in reversed(runners):
        x, y, w = pts[idx]
        hgt = 30 + w * 1.9
        p2.ellipse([x + dx - hgt * 0.2, y - 4, x + dx + hgt * 0.25, y + 4], fill=C("#3f4a2a", 90))
        figure(p2, x + dx, y, hgt, C("#2a1f1a"), pose="run", flip=True, jersey=C(shirt))
        p2.rect(
            [x + dx - hgt * 0.07, y - hgt * 0.54, x + dx + hgt * 0.07, y - hgt * 0.44],
            fill=C(shorts),
        )
    comp(base, lay)
    vignette(base, 0.25)
    return base


def scene_football_lights(rnd):
    base = sky([(0, "#060912"), (0.45, "#141c33"), (0.55, "#1e2844"), (1, "#1e2844")])
    p = Pen(base)
    # bleachers full of fans across the far side
    p.poly([(0, 330), (W, 330), (W, 470), (0, 470)], fill=C("#2a2f3d"))
    lay = layer()
    p2 = Pen(lay)
    cols = ["#f2c744", "#1f3f73", "#f4f1ea", "#b93a34", "#3a3f4d"]
    for row in range(7):
        for k in range(110):
            x = k * 15 + rnd.uniform(-3, 3) + (row % 2) * 7
            y = 340 + row * 18 + rnd.uniform(-2, 2)
            p2.circle(x, y, 5, fill=C(rnd.choice(cols), 230))
    comp(base, lay, blur=0.8)
    p = Pen(base)
    p.rect([0, 470, W, 480], fill=C("#111520"))
    # scoreboard
    p.rect([1180, 120, 1480, 270], fill=C("#101318"))
    p.rect([1190, 130, 1470, 160], fill=C("#1f3f73"))
    p.text((1330, 145), "GULLS  vs  VISITORS", 16, C("#ffffff"), "sans-bold")
    p.text((1260, 210), "14", 52, C("#ffcf4a"), "sans-bold")
    p.text((1400, 210), "21", 52, C("#ffcf4a"), "sans-bold")
    p.text((1330, 250), "4TH  02:11", 16, C("#ff7b5a"), "sans-bold")
    # light towers
    towers = [(180, 60), (760, 40), (1560, 70)]
    for tx, ty in towers:
        p.line([(tx, ty + 60), (tx, 470)], fill=C("#2b303b"), width=10)
        p.rect([tx - 70, ty, tx + 70, ty + 60], fill=C("#2b303b"))
    for tx, ty in towers:
        radial_light(base, tx, ty + 30, 520, "#f4f8ff", alpha=110)
        lay = layer()
        Pen(lay).poly(
            [
                (tx - 70, ty + 60),
                (tx + 70, ty + 60),
                (800 + (tx - 800) * 0.2 + 300, 880),
                (800 + (tx - 800) * 0.2 - 300, 880),
            ],
            fill=C("#eef4ff", 22),
        )
        comp(base, lay, blur=30)
        pts = [(tx - 54 + (k % 5) * 27, ty + 14 + (k // 5) * 30) for k in range(10)]
        glows(base, [(x, y, 10) for x, y in pts], "#ffffff", 255, blur=3)
    # field
    lay = layer()
    p2 = Pen(lay)
    p2.rect([0, 480, W, H], fill=C("#3f8f45"))
    for k in range(-9, 10):
        xb = 800 + k * 200
        p2.line([(800 + k * 90, 480), (xb, H)], fill=C("#f4f7f0", 220), width=4)
    for k in range(-9, 10, 2):
        p2.poly(
            [
                (800 + k * 90, 480),
                (800 + (k + 1) * 90, 480),
                (800 + (k + 1) * 200, H),
                (800 + k * 200, H),
            ],
            fill=C("#48a04e", 140),
        )
    comp(base, lay)
    radial_light(base, 800, 700, 700, "#e9f7d9", alpha=40)
    # players at the line of scrimmage
    p = Pen(base)
    for k in range(11):
        x = 560 + k * 48
        figure(p, x, 640, 90, C("#1a1a1a"), pose="stand", jersey=C("#1f3f73"))
        p.circle(x, 640 - 90 * 0.92, 9, fill=C("#f2c744"))
    for k in range(11):
        x = 580 + k * 46
        figure(p, x, 600, 78, C("#1a1a1a"), pose="stand", jersey=C("#f4f1ea"))
        p.circle(x, 600 - 78 * 0.92, 8, fill=C("#b93a34"))
    vignette(base, 0.55)
    return base


def scene_rowing(rnd):
    hz = 500
    base = sky([(0, "#cbb8cc"), (0.4, "#ebcfd0"), (0.55, "#f7dcbc"), (1, "#f7dcbc")])
    radial_light(base, 560, hz - 40, 360, "#fff0d0", alpha=160)
    glow(base, 560, hz - 40, 30, "#fff6e2", 255, blur=5)
    lay = layer()
    p = Pen(lay)
    hills(p, hz - 20, 80, C("#b59fb4"), rnd, bottom=hz + 2, freq=0.6)
    treeline(p, hz - 6, 0, W, 20, 56, C("#8e7a93"), rnd)
    # boathouse
    p.rect([1150, hz - 120, 1450, hz], fill=C("#7c6a80"))
    p.poly([(1130, hz - 120), (1470, hz - 120), (1300, hz - 200)], fill=C("#6b5970"))
    for k in range(3):
        p.rect([1180 + k * 95, hz - 90, 1250 + k * 95, hz], fill=C("#5d4d63"))
    comp(base, lay, blur=2)
    water(base, hz, [(0, "#f2d6bd"), (0.5, "#d3bccb"), (1, "#8c7a98")], refl=0.6, wobble=3, rnd=rnd)
    shimmer(base, rnd, hz + 2, 700, 560, 40, "#fff3da", n=120, alpha=150, lmax=70)
    lay = layer()
    Pen(lay).rect([0, hz - 30, W, hz + 40], fill=C("#ffffff", 130))
    comp(base, lay, blur=22)

    def shell(p):
        wl = 650
        p.poly(
            [(240, wl - 6), (1360, wl - 10), (1420, wl - 4), (1340, wl + 2), (260, wl + 2)],
            fill=C("#2c2233"),
        )
        p.line([(300, wl - 7), (1350, wl - 11)], fill=C("#e9e0e8"), width=2)
        for k in range(4):
            x = 480 + k * 190
            # oars sweeping down to the water
            p.line([(x + 10, wl - 40), (x - 150, wl + 70)], fill=C("#2c2233"), width=4)
            p.poly(
                [(x - 150, wl + 70), (x - 190, wl + 86), (x - 196, wl + 76), (x - 158, wl + 62)],
                fill=C("#c8413b"),
            )
            # rower leaning back
            p.circle(x - 18, wl - 96, 14, fill=C("#2c2233"))
            p.line(
                [(x - 14, wl - 82), (x + 6, wl - 20)], fill=C("#2c2233"), width=18, round_caps=True
            )
            p.line(
                [(x + 6, wl - 24), (x + 44, wl - 40), (x + 70, wl - 14)],
                fill=C("#2c2233"),
                width=10,
                round_caps=True,
            )
            p.line(
                [(x - 8, wl - 66), (x + 20, wl - 48)], fill=C("#2c2233"), width=7, round_caps=True
            )
        p.circle(1320, wl - 44, 11, fill=C("#2c2233"))
        p.rrect([1300, wl - 34, 1340, wl - 8], 8, fill=C("#2c2233"))

    reflected(base, shell, 652, opacity=0.5, wobble=4, rnd=rnd)
    lay = layer()
    p = Pen(lay)
    for k in range(4):
        x = 480 + k * 190 - 175
        for j in range(3):
            r = 26 + j * 22
            p.ellipse(
                [x - r, 730 - r * 0.2, x + r, 730 + r * 0.2],
                outline=C("#fff6ea", 150 - j * 40),
                width=2,
            )
    for k in range(12):
        y = 640 + k * 8
        p.line([(1420 + k * 14, y), (1600, y + k * 3)], fill=C("#fff6ea", 80), width=2)
    comp(base, lay, blur=1)
    vignette(base, 0.3)
    return base


SCENES = {
    "harbor-dusk": scene_harbor_dusk,
    "ferry": scene_ferry,
    "storm-clouds": scene_storm_clouds,
    "storm-crew": scene_storm_crew,
    "school": scene_school,
    "king-tide": scene_king_tide,
    "town-hall": scene_town_hall,
    "polling-place": scene_polling_place,
    "council-chamber": scene_council_chamber,
    "ballot-box": scene_ballot_box,
    "cannery": scene_cannery,
    "oyster-flats": scene_oyster_flats,
    "market-stall": scene_market_stall,
    "hardware-store": scene_hardware_store,
    "lantern-walk": scene_lantern_walk,
    "playhouse-stage": scene_playhouse_stage,
    "mural": scene_mural,
    "soccer-field": scene_soccer_field,
    "cross-country": scene_cross_country,
    "football-lights": scene_football_lights,
    "rowing": scene_rowing,
}

# slug -> (name, background colour, ink colour)
AUTHORS = {
    "ana-ruiz": ("Ana Ruiz", "#cfe3ef", "#1f4f73"),
    "marcus-okafor": ("Marcus Okafor", "#f2dcc5", "#7a3d17"),
    "lena-hartwell": ("Lena Hartwell", "#d9ead3", "#2f5a32"),
    "tomas-berg": ("Tomas Berg", "#e6dff0", "#4b3a78"),
    "priya-nair": ("Priya Nair", "#f6d8dc", "#8a2a3c"),
    "jody-marsh": ("Jody Marsh", "#fbeab8", "#6b5410"),
}


# --------------------------------------------------------------------------
# Output
# --------------------------------------------------------------------------


def save_jpeg(im: Image.Image, path: Path, quality: int = 82, limit: int = MAX_BYTES) -> int:
    """Save without metadata; step quality down if the file would exceed limit."""
    im = im.convert("RGB")
    q = quality
    while True:
        buf = io.BytesIO()
        im.save(buf, "JPEG", quality=q, optimize=True, progressive=True, subsampling="4:2:0")
        data = buf.getvalue()
        if len(data) <= limit or q <= 60:
            break
        q -= 4
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return len(data)


def render_scene(name: str) -> Image.Image:
    rnd = random.Random(SEED + zlib.crc32(name.encode()))
    img = SCENES[name](rnd)
    return img.resize((W, H), Image.LANCZOS)


def render_avatar(slug: str, size: int = 400) -> Image.Image:
    name, bg, ink = AUTHORS[slug]
    initials = "".join(part[0] for part in name.split()[:2]).upper()
    big = size * S
    im = Image.new("RGB", (big, big), rgb(bg)).convert("RGBA")
    # soft diagonal light so the flat colour does not look dead
    lay = Image.new("RGBA", (big, big), (0, 0, 0, 0))
    d = ImageDraw.Draw(lay)
    d.ellipse([-big * 0.3, -big * 0.4, big * 0.9, big * 0.7], fill=(255, 255, 255, 90))
    d.ellipse([big * 0.4, big * 0.5, big * 1.4, big * 1.4], fill=(*rgb(ink), 40))
    im.alpha_composite(lay.filter(ImageFilter.GaussianBlur(big * 0.12)))
    d = ImageDraw.Draw(im)
    d.ellipse(
        [big * 0.1, big * 0.1, big * 0.9, big * 0.9], outline=(*rgb(ink), 70), width=int(4 * S)
    )
    f = font("serif-bold", big * 0.36)
    d.text((big / 2, big / 2 + big * 0.01), initials, font=f, fill=rgb(ink), anchor="mm")
    return im.resize((size, size), Image.LANCZOS)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument(
        "--out",
        default=str(ROOT / "static" / "photos"),
        help="output folder (default static/photos)",
    )
    ap.add_argument("--only", nargs="*", help="render only these scene names / author slugs")
    args = ap.parse_args(argv)
    out = Path(args.out)
    total = 0
    for name in SCENES:
        if args.only and name not in args.only:
            continue
        n = save_jpeg(render_scene(name), out / f"{name}.jpg")
        total += n
        print(f"{name + '.jpg':24} {n / 1024:6.1f} KB")
    for slug in AUTHORS:
        if args.only and slug not in args.only:
            continue
        n = save_jpeg(render_avatar(slug), out / "authors" / f"{slug}.jpg", quality=85)
        total += n
        print(f"authors/{slug + '.jpg':16} {n / 1024:6.1f} KB")
    print(f"total {total / 1024:.1f} KB")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
