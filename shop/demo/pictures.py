"""Product pictures drawn with Pillow: a gradient, a pictogram and a Latin caption.

No network and no CJK font needed (``ImageFont.load_default(size=...)`` is built into
Pillow). Drawn at twice the size and scaled down for smooth edges. ``picture_jpeg`` caches the
bytes per kind, so seeding draws each kind once.
"""

import colorsys
import io
import math
import zlib
from collections.abc import Callable
from functools import cache

from PIL import Image, ImageDraw, ImageFilter, ImageFont

from shop.demo.data import KINDS_BY_KEY

WIDTH, HEIGHT, SCALE = 800, 600, 2
RGB = tuple[int, int, int]
# pictogram → (gradient top, gradient bottom, main colour, accent colour)
PALETTES: dict[str, tuple[RGB, RGB, RGB, RGB]] = {
    "bottle": ((252, 226, 140), (214, 140, 40), (232, 168, 36), (120, 160, 70)),
    "giftbox": ((236, 104, 84), (150, 30, 40), (246, 196, 84), (200, 30, 40)),
    "leaf": ((196, 232, 170), (56, 136, 84), (48, 120, 60), (150, 200, 90)),
    "cup": ((240, 200, 160), (150, 70, 40), (250, 246, 236), (160, 60, 30)),
    "persimmon": ((255, 214, 160), (226, 104, 40), (238, 110, 30), (70, 120, 50)),
    "grain": ((248, 238, 204), (196, 164, 84), (214, 164, 50), (120, 140, 60)),
    "meat": ((246, 200, 180), (176, 70, 60), (186, 60, 56), (250, 232, 214)),
    "wine": ((214, 170, 206), (104, 36, 76), (70, 20, 50), (150, 60, 140)),
    "egg": ((252, 244, 226), (216, 176, 128), (240, 214, 176), (170, 120, 70)),
    "shoot": ((220, 236, 180), (116, 156, 66), (220, 190, 110), (110, 140, 50)),
    "plum": ((232, 190, 230), (118, 48, 110), (128, 40, 100), (80, 140, 60)),
    "mushroom": ((234, 216, 188), (136, 98, 68), (140, 84, 50), (246, 236, 214)),
    "goat": ((206, 228, 244), (86, 136, 186), (248, 248, 244), (90, 70, 60)),
    "flower": ((180, 226, 236), (36, 118, 150), (255, 255, 255), (250, 210, 60)),
    "jar": ((255, 230, 140), (218, 148, 28), (236, 160, 30), (150, 90, 40)),
    "noodles": ((244, 236, 216), (178, 148, 108), (252, 246, 232), (60, 100, 170)),
    "corn": ((252, 238, 160), (200, 158, 40), (246, 200, 50), (100, 160, 60)),
    "dragonfruit": ((255, 196, 224), (196, 40, 110), (214, 36, 120), (110, 170, 60)),
    "chicken": ((252, 224, 176), (200, 118, 58), (176, 84, 40), (220, 40, 40)),
    "potato": ((226, 206, 236), (108, 70, 140), (112, 60, 130), (238, 214, 240)),
    "fish": ((178, 216, 244), (28, 88, 160), (170, 190, 206), (40, 60, 90)),
    "driedfish": ((236, 208, 168), (150, 100, 60), (170, 110, 60), (90, 60, 40)),
    "citrus": ((255, 226, 186), (228, 118, 88), (214, 214, 80), (236, 90, 90)),
}
Painter = Callable[["Pen"], None]


class Pen:
    """Draws in a 100×100 box centred on the picture (x, y in -50..50)."""

    def __init__(self, draw: ImageDraw.ImageDraw, main: RGB, accent: RGB) -> None:
        self.d, self.main, self.accent = draw, main, accent
        self.cx, self.cy, self.u = WIDTH * SCALE // 2, int(HEIGHT * SCALE * 0.45), 3.6 * SCALE

    def p(self, x: float, y: float) -> tuple[float, float]:
        return self.cx + x * self.u, self.cy + y * self.u

    def box(self, x0: float, y0: float, x1: float, y1: float) -> list[float]:
        return [*self.p(x0, y0), *self.p(x1, y1)]

    def ellipse(self, x0, y0, x1, y1, fill, outline=None, width: float = 0) -> None:
        self.d.ellipse(self.box(x0, y0, x1, y1), fill=fill, outline=outline, width=int(width * self.u))

    def rect(self, x0, y0, x1, y1, fill, radius: float = 0) -> None:
        self.d.rounded_rectangle(self.box(x0, y0, x1, y1), radius=int(radius * self.u), fill=fill)

    def poly(self, points, fill) -> None:
        self.d.polygon([self.p(x, y) for x, y in points], fill=fill)

    def line(self, points, fill, width: float = 2) -> None:
        self.d.line([self.p(x, y) for x, y in points], fill=fill, width=int(width * self.u), joint="curve")

    def oval(self, x, y, rx, ry, angle, fill, pointed: bool = False) -> None:
        """A rotated ellipse (or a leaf, pointed at both ends) centred at (x, y)."""
        a = math.radians(angle)
        pts = []
        for i in range(48):
            t = 2 * math.pi * i / 48
            px = rx * math.cos(t)
            py = ry * math.sin(t) * (abs(math.sin(t)) if pointed else 1)  # lens: pointed ends
            pts.append((x + px * math.cos(a) - py * math.sin(a), y + px * math.sin(a) + py * math.cos(a)))
        self.poly(pts, fill)


def shade(c: RGB, f: float) -> RGB:
    return tuple(max(0, min(255, int(v * f))) for v in c)  # type: ignore[return-value]


def _bottle(pen: Pen) -> None:
    pen.ellipse(-24, -26, 24, 6, pen.main)
    pen.rect(-24, -10, 24, 48, pen.main, radius=8)
    pen.rect(-8, -40, 8, -18, shade(pen.main, 0.9))
    pen.rect(-10, -48, 10, -38, (60, 60, 60), radius=2)
    pen.rect(-17, 6, 17, 34, (255, 250, 235), radius=3)
    pen.oval(0, 20, 9, 5, -30, pen.accent, pointed=True)
    pen.rect(-18, -6, -12, 40, shade(pen.main, 1.15), radius=3)


def _giftbox(pen: Pen) -> None:
    pen.rect(-38, -8, 38, 46, pen.main, radius=2)
    pen.rect(-43, -22, 43, -6, shade(pen.main, 0.85), radius=2)
    pen.rect(-6, -22, 6, 46, pen.accent)
    pen.oval(-13, -31, 13, 8, 25, pen.accent)
    pen.oval(13, -31, 13, 8, -25, pen.accent)
    pen.ellipse(-5, -36, 5, -26, shade(pen.accent, 0.8))


def _leaf(pen: Pen) -> None:
    pen.line([(0, 48), (2, 20), (0, -10)], shade(pen.main, 0.7), 2.5)
    for x, y, angle, size in ((-16, -12, -60, 26), (16, 2, -120, 24), (0, -32, -90, 22), (-12, 26, -30, 18)):
        pen.oval(x, y, size, size * 0.42, angle, pen.main if size > 20 else pen.accent, pointed=True)
        rad = math.radians(angle)
        pen.line([(x - size * 0.8 * math.cos(rad), y - size * 0.8 * math.sin(rad)),
                  (x + size * 0.8 * math.cos(rad), y + size * 0.8 * math.sin(rad))],
                 shade(pen.accent, 1.2), 1)


def _cup(pen: Pen) -> None:
    pen.ellipse(-46, 30, 46, 46, (240, 236, 226))
    pen.ellipse(22, -2, 46, 26, None, outline=pen.main, width=5)
    pen.poly([(-32, -8), (32, -8), (24, 36), (-24, 36)], pen.main)
    pen.ellipse(-32, -14, 32, -2, pen.accent)
    for x in (-12, 0, 12):
        pen.line([(x, -20), (x - 4, -30), (x + 3, -40), (x - 2, -48)], (255, 255, 255), 2)


def _persimmon(pen: Pen) -> None:
    for x, y, r in ((-18, 8, 26), (20, 14, 22)):
        pen.ellipse(x - r, y - r * 0.8, x + r, y + r * 0.8, pen.main)
        pen.ellipse(x - r * 0.6, y - r * 0.6, x - r * 0.1, y - r * 0.25, shade(pen.main, 1.25))
        for angle in (0, 90, 180, 270):
            pen.oval(x, y - r * 0.75, r * 0.35, r * 0.14, angle, pen.accent, pointed=True)
    pen.line([(-18, -14), (-18, -46)], (110, 80, 50), 1.5)


def _grain(pen: Pen) -> None:
    pen.line([(0, 48), (2, 10), (-4, -30), (-14, -46)], shade(pen.main, 0.7), 2)
    for i in range(8):
        t = i / 8
        x, y = -2 - 10 * t * t, 20 - 62 * t
        pen.oval(x - 7, y, 7, 3.6, -60, pen.main, pointed=True)
        pen.oval(x + 6, y - 3, 7, 3.6, -120, shade(pen.main, 1.1), pointed=True)
    pen.oval(14, 34, 24, 5, -50, pen.accent, pointed=True)


def _meat(pen: Pen) -> None:
    pen.rect(24, -6, 48, 4, pen.accent, radius=3)
    pen.ellipse(42, -12, 52, -1, pen.accent)
    pen.ellipse(42, -1, 52, 10, pen.accent)
    pen.ellipse(-44, -26, 36, 30, pen.main)
    for k in range(3):
        pen.line([(-36 + k * 6, -10 + k * 12), (-10, -16 + k * 14), (24, -8 + k * 12)], pen.accent, 2.2)


def _wine(pen: Pen) -> None:
    pen.ellipse(-16, -18, 16, 6, pen.main)
    pen.rect(-16, -6, 16, 48, pen.main, radius=6)
    pen.rect(-5, -44, 5, -14, pen.main)
    pen.rect(-6, -48, 6, -40, (190, 160, 90), radius=1)
    pen.rect(-12, 10, 12, 30, (250, 240, 220), radius=2)
    for x, y in ((26, 0), (38, 0), (20, 10), (32, 10), (44, 10), (26, 20), (38, 20), (32, 30)):
        pen.ellipse(x - 6, y - 6, x + 6, y + 6, pen.accent)
    pen.oval(36, -12, 10, 4, -20, (90, 150, 60), pointed=True)


def _egg(pen: Pen) -> None:
    pen.ellipse(-46, 22, 46, 46, shade(pen.accent, 1.1))
    for x, y, c in ((-20, 6, pen.main), (20, 6, shade(pen.main, 0.92)), (0, -6, (252, 246, 234))):
        pen.ellipse(x - 15, y - 20, x + 15, y + 20, c)
        pen.ellipse(x - 8, y - 13, x - 2, y - 4, (255, 255, 255))


def _shoot(pen: Pen) -> None:
    for i, c in enumerate((pen.main, pen.accent, shade(pen.main, 0.85), pen.accent)):
        w = 24 - i * 4
        pen.poly([(-w, 46 - i * 6), (w, 46 - i * 6), (2 * (i % 2) - 1, -46 + i * 8)], c)


def _round_fruit(pen: Pen, spots: tuple[tuple[int, int, int], ...]) -> None:
    for x, y, r in spots:
        pen.ellipse(x - r, y - r, x + r, y + r, pen.main)
        pen.ellipse(x - r * 0.55, y - r * 0.6, x - r * 0.15, y - r * 0.2, shade(pen.main, 1.35))
    pen.line([(0, -20), (4, -40)], (100, 70, 40), 1.5)
    pen.oval(16, -38, 14, 6, -20, pen.accent, pointed=True)


def _plum(pen: Pen) -> None:
    _round_fruit(pen, ((-16, 6, 18), (16, 8, 17), (0, 24, 18)))


def _mushroom(pen: Pen) -> None:
    for dx, s in ((14, 0.7), (-8, 1.0)):
        pen.rect(dx - 9 * s, -4 * s + 10, dx + 9 * s, 40, pen.accent, radius=4)
        pen.d.pieslice(pen.box(dx - 36 * s, -30 * s - 4, dx + 36 * s, 30 * s + 4), 180, 360, fill=pen.main)
        for sx, sy in ((-14, -12), (4, -20), (16, -8)):
            pen.ellipse(dx + sx * s - 3, sy * s - 3, dx + sx * s + 3, sy * s + 3, pen.accent)


def _goat(pen: Pen) -> None:
    outline = pen.accent
    for x in (-24, -12, 8, 18):
        pen.rect(x, 14, x + 6, 44, outline, radius=2)
    pen.ellipse(-36, -12, 28, 26, pen.main)
    pen.oval(-36, -6, 8, 3, -40, pen.main)
    pen.ellipse(16, -36, 42, -10, pen.main)
    pen.line([(24, -34), (18, -46), (8, -44)], outline, 3)
    pen.line([(32, -34), (32, -48), (24, -48)], outline, 3)
    pen.oval(14, -26, 7, 3, 20, pen.main)
    pen.ellipse(30, -28, 34, -24, outline)
    pen.poly([(36, -12), (42, -12), (39, -2)], pen.main)


def _flower(pen: Pen) -> None:
    for k in range(3):
        pen.line([(-40, 34 + k * 6), (-20, 30 + k * 6), (0, 36 + k * 6), (20, 30 + k * 6), (40, 34 + k * 6)],
                 (255, 255, 255), 1)
    for x, y in ((-22, -8), (18, -18), (0, 12)):
        pen.line([(x, y), (x + 2, 40)], (80, 150, 80), 1.5)
        for angle in (90, 210, 330):
            a = math.radians(angle)
            pen.oval(x + 9 * math.cos(a), y - 9 * math.sin(a), 10, 7, -angle, pen.main)
        pen.ellipse(x - 4, y - 4, x + 4, y + 4, pen.accent)


def _jar(pen: Pen) -> None:
    pen.rect(-30, -14, 30, 44, pen.main, radius=10)
    pen.rect(-33, -26, 33, -12, pen.accent, radius=3)
    pen.poly([(-30, -12), (-16, -12), (-18, 2), (-22, 8), (-26, 2)], shade(pen.main, 1.15))
    pen.rect(-18, 6, 18, 28, (255, 244, 210), radius=3)
    pen.line([(24, -44), (40, -10)], pen.accent, 2)
    pen.ellipse(34, -16, 46, -2, pen.accent)


def _noodles(pen: Pen) -> None:
    for k in range(7):
        x = -30 + k * 10
        pen.line([(x, 8), (x - 4, -8), (x + 3, -22), (x - 2, -34)], (246, 236, 200), 2)
    pen.line([(10, -48), (44, 6)], (120, 80, 40), 2)
    pen.line([(20, -50), (50, 2)], (120, 80, 40), 2)
    pen.d.chord(pen.box(-46, -16, 46, 46), 0, 180, fill=pen.main)
    pen.line([(-40, 24), (40, 24)], pen.accent, 2)


def _corn(pen: Pen) -> None:
    pen.oval(0, 0, 16, 42, 0, pen.main)
    for row in range(-34, 36, 8):
        for col in range(-10, 11, 7):
            if abs(col) * 4 + abs(row) < 48:
                pen.ellipse(col - 3, row - 3, col + 3, row + 3, shade(pen.main, 1.08))
    pen.oval(-16, 22, 30, 8, -70, pen.accent, pointed=True)
    pen.oval(16, 22, 30, 8, -110, shade(pen.accent, 0.85), pointed=True)


def _dragonfruit(pen: Pen) -> None:
    pen.ellipse(-44, -26, 6, 34, pen.main)
    for x, y, a in ((-44, -8, 200), (-34, -26, 240), (-16, -30, 270), (4, -12, 330), (2, 14, 20), (-40, 22, 150)):
        pen.oval(x, y, 9, 4, a, pen.accent, pointed=True)
    pen.ellipse(-2, -20, 48, 34, pen.main)
    pen.ellipse(4, -14, 42, 28, (230, 60, 130))
    for i in range(18):
        pen.ellipse(8 + (i * 13) % 30, -8 + (i * 7) % 30, 10 + (i * 13) % 30, -6 + (i * 7) % 30, (30, 20, 30))


def _chicken(pen: Pen) -> None:
    for x, y, a in ((-36, -12, -130), (-40, -2, -150), (-32, -22, -110)):
        pen.oval(x, y, 16, 5, a, shade(pen.main, 0.6), pointed=True)
    pen.line([(-6, 30), (-8, 46), (-14, 48)], (230, 170, 40), 2)
    pen.line([(8, 30), (10, 46), (16, 48)], (230, 170, 40), 2)
    pen.ellipse(-34, -10, 28, 34, pen.main)
    pen.oval(-6, 10, 18, 9, -10, shade(pen.main, 0.8))
    pen.ellipse(10, -38, 36, -12, pen.main)
    for x in (16, 23, 30):
        pen.ellipse(x - 4, -44, x + 4, -34, pen.accent)
    pen.poly([(35, -28), (46, -24), (35, -20)], (240, 180, 40))
    pen.ellipse(30, -20, 36, -10, pen.accent)
    pen.ellipse(26, -30, 30, -26, (30, 20, 20))


def _potato(pen: Pen) -> None:
    for x, y, rx, ry, a in ((-14, 4, 28, 17, -15), (18, 16, 22, 14, 20)):
        pen.oval(x, y, rx, ry, a, pen.main)
        for k in range(3):
            pen.ellipse(x - 10 + k * 9, y - 4 + (k % 2) * 6, x - 8 + k * 9, y - 2 + (k % 2) * 6, pen.accent)


def _fish(pen: Pen, dried: bool = False) -> None:
    for dy, f in ((-12, 1.0), (18, 0.85)) if dried else ((0, 1.0),):
        body = shade(pen.main, f)
        pen.poly([(24, dy), (46, dy - 18 * f), (42, dy), (46, dy + 18 * f)], shade(body, 0.9))
        pen.oval(-6, dy, 36 * f, 16 * f, 0, body)
        pen.poly([(-10, dy - 14 * f), (8, dy - 24 * f), (14, dy - 12 * f)], shade(body, 0.85))
        pen.ellipse(-30, dy - 6, -24, dy, pen.accent)
        pen.line([(-18, dy - 10 * f), (-14, dy), (-18, dy + 10 * f)], shade(body, 0.8), 1.2)
        if dried:
            for k in range(4):
                pen.line([(-8 + k * 8, dy - 10), (-2 + k * 8, dy + 10)], pen.accent, 1)
    if not dried:
        for x, y, r in ((-40, -26, 3), (-34, -36, 2), (-44, -42, 2.5)):
            pen.ellipse(x - r, y - r, x + r, y + r, None, outline=(255, 255, 255), width=0.8)


def _citrus(pen: Pen) -> None:
    pen.ellipse(-46, -28, 8, 26, pen.main)
    pen.ellipse(-36, -20, -24, -10, shade(pen.main, 1.2))
    pen.ellipse(-4, -18, 48, 34, (250, 240, 200))
    pen.ellipse(2, -12, 42, 28, pen.accent)
    for k in range(8):
        a = math.radians(k * 45)
        pen.line([(22, 8), (22 + 20 * math.cos(a), 8 + 20 * math.sin(a))], (250, 220, 200), 1)
    pen.oval(-26, -36, 14, 6, -30, (80, 140, 60), pointed=True)


PAINTERS: dict[str, Painter] = {
    "bottle": _bottle, "giftbox": _giftbox, "leaf": _leaf, "cup": _cup, "persimmon": _persimmon,
    "grain": _grain, "meat": _meat, "wine": _wine, "egg": _egg, "shoot": _shoot, "plum": _plum,
    "mushroom": _mushroom, "goat": _goat, "flower": _flower, "jar": _jar, "noodles": _noodles,
    "corn": _corn, "dragonfruit": _dragonfruit, "chicken": _chicken, "potato": _potato,
    "fish": _fish, "driedfish": lambda pen: _fish(pen, dried=True), "citrus": _citrus,
}


def _tint(c: RGB, shift: float) -> RGB:
    h, s, v = colorsys.rgb_to_hsv(*(x / 255 for x in c))
    r, g, b = colorsys.hsv_to_rgb((h + shift) % 1.0, s, v)
    return int(r * 255), int(g * 255), int(b * 255)


@cache
def _gradient_mask() -> Image.Image:
    """The top-to-bottom blend of the background (the same for every picture; never mutated)."""
    return Image.linear_gradient("L").resize((WIDTH * SCALE, HEIGHT * SCALE))


@cache
def _glow_mask() -> Image.Image:
    """The soft white glow behind the pictogram (the same for every picture; never mutated)."""
    w, h = WIDTH * SCALE, HEIGHT * SCALE
    glow = Image.new("L", (w, h), 0)
    r = int(210 * SCALE)
    cx, cy = w // 2, int(h * 0.45)
    ImageDraw.Draw(glow).ellipse([cx - r, cy - r, cx + r, cy + r], fill=120)
    return glow.filter(ImageFilter.GaussianBlur(40))


def draw_picture(*, picture: str, caption: str, subcaption: str = "", key: str = "") -> Image.Image:
    """An 800×600 RGB picture; ``key`` shifts the background hue a little so that kinds
    sharing a pictogram still look different."""
    top, bottom, main, accent = PALETTES[picture]
    shift = ((zlib.crc32(key.encode()) % 100) - 50) / 1000 if key else 0.0
    top, bottom = _tint(top, shift), _tint(bottom, shift)
    w, h = WIDTH * SCALE, HEIGHT * SCALE
    img = Image.composite(Image.new("RGB", (w, h), bottom), Image.new("RGB", (w, h), top), _gradient_mask())
    img = Image.composite(Image.new("RGB", (w, h), (255, 255, 255)), img, _glow_mask())
    PAINTERS[picture](Pen(ImageDraw.Draw(img), main, accent))
    img = img.resize((WIDTH, HEIGHT), Image.Resampling.LANCZOS)
    draw = ImageDraw.Draw(img)
    draw.rectangle([0, HEIGHT - 92, WIDTH, HEIGHT], fill=shade(bottom, 0.75))
    font = ImageFont.load_default(size=34)
    draw.text((WIDTH // 2, HEIGHT - 58), caption, font=font, fill=(255, 255, 255), anchor="mm")
    if subcaption:
        small = ImageFont.load_default(size=18)
        draw.text((WIDTH // 2, HEIGHT - 22), subcaption.upper(), font=small, fill=(255, 240, 220), anchor="mm")
    return img


@cache
def picture_jpeg(kind_key: str) -> bytes:
    """The JPEG bytes of the picture of one kind of produce (drawn once per process)."""
    kind = KINDS_BY_KEY[kind_key]
    county = {"441622": "Longchuan, Guangdong", "451228": "Du'an, Guangxi", "451229": "Dahua, Guangxi"}
    img = draw_picture(picture=kind.picture, caption=kind.name_en, subcaption=county[kind.county], key=kind.key)
    buf = io.BytesIO()
    img.save(buf, "JPEG", quality=86, optimize=True)
    return buf.getvalue()
