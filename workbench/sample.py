"""A sample case to see every feature: the 2015 northern Aleppo reporting of the brief.

``create_sample_case(workspace)`` logs sources with graded reliability, six claims with a
mix of verdicts, places, actors and tags, and attaches generated placeholder pictures (and
one short generated video) through the real ingest path, so thumbnails, EXIF and "seen
before" all show. One picture reappears, recompressed and smaller, under a later claim:
that pair is what the seen-before panel is for.

Every picture is drawn here with Pillow and says "SAMPLE — generated placeholder" on its
face: nothing in the sample is real footage. Coordinates are approximate and say so. The
drawing is deterministic (fixed seeds, fixed encoder settings), and the function fills in
only what is missing, so running it twice changes nothing.
"""

from __future__ import annotations

import logging
import random
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PIL import Image, ImageDraw, ImageFont
from sqlalchemy import select

from storage.schema import Case
from workbench.claims import audit
from workbench.claims.sources import find_or_create_case, find_or_create_source
from workbench.claims.views import ClaimView
from workbench.library.views import IngestStatus

if TYPE_CHECKING:
    from workbench.workspace import Workspace

log = logging.getLogger(__name__)

SAMPLE_CASE = "Sample: northern Aleppo, June 2015"
SAMPLE_LABEL = "SAMPLE — generated placeholder"
CASE_DESCRIPTION = (
    "A sample case built from the 2015 reporting on the fighting in northern Aleppo, to show "
    "every feature of the workbench. The pictures are generated placeholders, the sources "
    "are stand-ins and the coordinates are approximate. Delete it whenever you like."
)
APPROXIMATE = "Sample case: coordinates are approximate (to the town, not the spot)."

#: (files done, files in all) while the sample's media are taken in.
Progress = Callable[[int, int], None]


# -- what the sample holds ---------------------------------------------------------------


@dataclass(frozen=True)
class SampleSource:
    platform: str
    handle: str
    display_name: str
    affiliation: str
    reliability: str
    url: str = ""


IS_FEED = SampleSource(
    "telegram",
    "@sample_is_wilayat_halab",
    "IS-affiliated official feed (sample stand-in)",
    "Islamic State",
    "D",
    "https://telegram.example/sample_is_wilayat_halab",
)
RIVAL_FEED = SampleSource(
    "twitter",
    "@sample_rival_coalition",
    "Rival coalition group's feed (sample stand-in)",
    "rival armed coalition",
    "E",
    "https://twitter.example/sample_rival_coalition",
)
NEWSPAPER = SampleSource(
    "web",
    "sample-newspaper.example",
    "A newspaper (sample stand-in)",
    "",
    "B",
    "https://sample-newspaper.example/",
)
SOCIAL_MEDIA = SampleSource(  # no platform: nobody in particular said it
    "", "unattributed social media reports", "Social media reports", "", "F"
)
SOURCES = (IS_FEED, RIVAL_FEED, NEWSPAPER, SOCIAL_MEDIA)


@dataclass(frozen=True)
class SampleClaim:
    key: str
    text: str
    source: SampleSource
    status: str
    rationale: str
    fields: dict[str, Any]
    media: tuple[str, ...] = ()  # file names of generated media, in ingest order


CLAIMS = (
    SampleClaim(
        "checkpoint",
        "IS fighters hold checkpoint in Sarwan",
        IS_FEED,
        "confirmed",
        "The feed published the video on 2015-06-01 and the screenshot of the flag burning "
        "comes from it; the checkpoint matches the town's southern entrance on satellite "
        "imagery. (Sample rationale.)",
        {
            "original_language": "ar",
            "original_text": "ولاية حلب: جنود الخلافة يرابطون على حاجز في بلدة صوران "
            "وحرق راية الصحوات",
            "translation": "Aleppo province: soldiers of the Caliphate man a checkpoint in the "
            "town of Sarwan, and the burning of the banner of the 'Sahwat' (the group's "
            "pejorative for the rival coalition).",
            "posted_at": "2015-06-01T18:20:00+03:00",
            "observed_at": "2015-06-01T21:05:00+03:00",
            "post_url": "https://telegram.example/sample_is_wilayat_halab/101",
            "place_name": "Sarwan, northern Aleppo countryside",
            "latitude": 36.49,
            "longitude": 37.19,
            "actors": ["Islamic State", "rival coalition"],
            "tags": ["checkpoint", "flag burning", "video"],
            "credibility": 2,
            "notes": APPROXIMATE,
        },
        ("sarwan_checkpoint_video.mp4", "sarwan_flag_burning_screenshot.jpg"),
    ),
    SampleClaim(
        "convoy",
        "Convoy of reinforcements heading to northern Aleppo",
        RIVAL_FEED,
        "unconfirmed",
        "The pictures show vehicles on a road but nothing that places them north of Aleppo "
        "or dates them; no independent report yet. (Sample rationale.)",
        {
            "posted_at": "2015-06-02T09:30:00+03:00",
            "place_name": "road to northern Aleppo countryside",
            "latitude": 36.30,
            "longitude": 37.15,
            "actors": ["rival coalition"],
            "tags": ["convoy", "reinforcements"],
            "credibility": 3,
            "notes": APPROXIMATE,
        },
        ("convoy_reinforcements_1.jpg", "convoy_reinforcements_2.jpg"),
    ),
    SampleClaim(
        "snipers",
        "Snipers and medics dispatched to the northern Aleppo front",
        RIVAL_FEED,
        "unconfirmed",
        "",
        {
            "posted_at": "2015-06-02T16:10:00+03:00",
            "place_name": "Mare', northern Aleppo countryside",
            "latitude": 36.47,
            "longitude": 37.08,
            "actors": ["rival coalition"],
            "tags": ["snipers", "medics"],
            "credibility": 3,
            "notes": APPROXIMATE,
        },
        ("snipers_dispatched.jpg", "medics_dispatched.jpg"),
    ),
    SampleClaim(
        "map",
        "Fighters study a map before the offensive",
        RIVAL_FEED,
        "refuted",
        "The photo predates the event: its EXIF capture time is 2013-08-14, two years before "
        "the June 2015 offensive, and a recompressed copy circulates in later posts. "
        "(Sample rationale.)",
        {
            "posted_at": "2015-06-03T11:00:00+03:00",
            "place_name": "northern Aleppo countryside",
            "actors": ["rival coalition"],
            "tags": ["map", "recycled photo"],
            "credibility": 5,
            "notes": "Sample case: the picture carries a generated 2013 capture time in its EXIF.",
        },
        ("fighters_studying_map.jpg",),
    ),
    SampleClaim(
        "beheadings",
        "Spokesman says several people were beheaded in captured villages",
        NEWSPAPER,
        "unconfirmed",
        "One newspaper quoting a spokesman of a party to the fighting; no second source and "
        "no pictures. (Sample rationale.)",
        {
            "posted_at": "2015-06-04T07:45:00+00:00",
            "post_url": "https://sample-newspaper.example/2015/06/04/northern-aleppo",
            "place_name": "villages north of Aleppo",
            "actors": ["Islamic State", "spokesman"],
            "tags": ["beheadings", "civilians"],
            "credibility": 4,
            "notes": "Sample case: the clipping is a generated placeholder, not the article.",
        },
        ("newspaper_clipping.png",),
    ),
    SampleClaim(
        "fronts",
        "Unconfirmed reports suggest new fronts will open in the coming weeks",
        SOCIAL_MEDIA,
        "unconfirmed",
        "Unattributed; the picture shared with the reports is the older map photo, "
        "recompressed and smaller (see 'Seen before'). (Sample rationale.)",
        {
            "posted_at": "2015-06-05T20:00:00+03:00",
            "place_name": "northern Aleppo",
            "tags": ["new fronts", "unconfirmed reports", "recycled photo"],
            "credibility": 6,
            "notes": "Sample case: the repost is the map photo re-encoded at 640×480, "
            "JPEG quality 55, EXIF stripped — as platforms do.",
        },
        ("new_fronts_repost.jpg",),
    ),
)


# -- the pictures --------------------------------------------------------------------------


def _font(size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    try:
        return ImageFont.load_default(size=size)
    except (OSError, TypeError):  # Pillow without FreeType: the small bitmap font
        return ImageFont.load_default()


def _label(draw: ImageDraw.ImageDraw, size: tuple[int, int], caption: str) -> None:
    """The banner every sample picture carries: nobody may mistake it for footage."""
    w, h = size
    band = max(40, h // 12)
    font = _font(band * 3 // 5)
    draw.rectangle((0, 0, w, band), fill=(200, 20, 20))
    # SAMPLE_LABEL, with the dash drawn: the built-in font has no em dash glyph.
    head, _, tail = SAMPLE_LABEL.partition(" — ")
    x = 12 + draw.textlength(head + " ", font=font)
    draw.text((12, band // 2), head, fill="white", font=font, anchor="lm")
    dash = band * 3 // 5
    draw.line((x, band // 2, x + dash, band // 2), fill="white", width=max(2, band // 16))
    x += dash + draw.textlength(" ", font=font)
    draw.text((x, band // 2), tail, fill="white", font=font, anchor="lm")
    draw.rectangle((0, h - band, w, h), fill=(0, 0, 0))
    draw.text((12, h - band // 2), caption, fill="white", font=_font(band // 2), anchor="lm")


def _person(draw: ImageDraw.ImageDraw, x: int, y: int, scale: int, colour: Any) -> None:
    draw.ellipse((x - scale, y - 5 * scale, x + scale, y - 3 * scale), fill=(205, 170, 130))
    draw.rectangle((x - scale, y - 3 * scale, x + scale, y), fill=colour)
    draw.line((x - scale // 2, y, x - scale, y + 2 * scale), fill=colour, width=max(2, scale // 2))
    draw.line((x + scale // 2, y, x + scale, y + 2 * scale), fill=colour, width=max(2, scale // 2))


def _landscape(seed: int, size: tuple[int, int], horizon: float, sky: Any, ground: Any) -> Any:
    rng = random.Random(seed)
    picture = Image.new("RGB", size, sky)
    draw = ImageDraw.Draw(picture)
    w, h = size
    top = int(h * horizon)
    draw.rectangle((0, top, w, h), fill=ground)
    for _ in range(60):  # stones and scrub, so the ground has texture
        x, y, r = rng.randrange(w), rng.randrange(top, h), rng.randrange(2, 7)
        shade = tuple(max(0, c - rng.randrange(20, 60)) for c in ground)
        draw.ellipse((x - r, y - r, x + r, y + r), fill=shade)
    return picture, draw, rng


def _checkpoint_scene(flames: float) -> Image.Image:
    picture, draw, _rng = _landscape(11, (960, 540), 0.55, (150, 190, 225), (196, 170, 120))
    draw.rectangle((80, 200, 300, 330), fill=(120, 110, 100))  # guard hut
    draw.polygon([(70, 200), (190, 150), (310, 200)], fill=(90, 80, 70))
    draw.rectangle((320, 300, 900, 318), fill=(230, 230, 230))  # barrier
    for x in range(340, 900, 80):
        draw.rectangle((x, 300, x + 40, 318), fill=(210, 30, 30))
    for i, x in enumerate((420, 520, 640)):
        _person(draw, x, 400, 14, (40, 40, 40) if i % 2 else (70, 75, 60))
    draw.line((760, 420, 760, 250), fill=(60, 50, 40), width=6)  # flag pole
    draw.rectangle((762, 250, 880, 320), fill=(20, 110, 40))
    if flames:
        for k in range(int(12 * flames)):
            x = 770 + (k * 37) % 110
            draw.polygon(
                [(x, 325), (x + 14, 240 - (k * 13) % 50), (x + 28, 325)],
                fill=(250, 120 + (k * 17) % 100, 0),
            )
    return picture


def _screenshot_of_video() -> Image.Image:
    frame = _checkpoint_scene(1.0)
    shot = Image.new("RGB", (1080, 720), (24, 24, 28))  # a phone screenshot of the player
    shot.paste(frame.resize((1040, 585)), (20, 60))
    draw = ImageDraw.Draw(shot)
    draw.rectangle((20, 650, 1060, 658), fill=(90, 90, 90))  # the player's time bar
    draw.rectangle((20, 650, 980, 658), fill=(220, 40, 40))
    draw.text((24, 672), "0:41 / 0:45", fill="white", font=_font(22))
    _label(draw, shot.size, "Sarwan checkpoint: screenshot of the flag burning (sample)")
    return shot


def _convoy_ahead() -> Image.Image:
    """Trucks coming down a road towards the camera."""
    picture, draw, rng = _landscape(21, (1024, 640), 0.40, (185, 205, 225), (170, 150, 110))
    draw.polygon([(0, 640), (430, 256), (600, 256), (1024, 640)], fill=(90, 90, 95))  # road
    for i in range(3):
        t = (i + 1) / 4
        x, y, s = int(500 + (rng.random() - 0.5) * 120 * t), int(270 + 330 * t), 0.3 + t
        body = (rng.randrange(180, 230), rng.randrange(170, 210), rng.randrange(120, 160))
        draw.rectangle((x - 60 * s, y - 40 * s, x + 60 * s, y), fill=body)
        draw.rectangle((x - 60 * s, y - 60 * s, x - 10 * s, y - 40 * s), fill=(60, 60, 60))
        for wx in (x - 40 * s, x + 40 * s):
            draw.ellipse((wx - 12 * s, y - 10 * s, wx + 12 * s, y + 14 * s), fill=(20, 20, 20))
    _label(draw, picture.size, "Convoy of reinforcements, picture 1 (sample)")
    return picture


def _convoy_passing() -> Image.Image:
    """Trucks passing from left to right below a hill, seen from the roadside."""
    picture, draw, rng = _landscape(22, (1024, 640), 0.62, (225, 200, 160), (150, 125, 85))
    draw.polygon([(0, 400), (260, 180), (560, 400)], fill=(120, 100, 80))  # a hill
    draw.rectangle((0, 470, 1024, 540), fill=(70, 70, 75))  # the road, across
    for x in range(40, 1000, 190):
        colour = (rng.randrange(40, 90), rng.randrange(60, 100), rng.randrange(30, 60))
        draw.rectangle((x, 410, x + 150, 500), fill=colour)  # truck bed
        draw.rectangle((x + 150, 430, x + 185, 500), fill=(30, 30, 30))  # cab
        for wx in (x + 25, x + 125, x + 165):
            draw.ellipse((wx - 14, 490, wx + 14, 518), fill=(15, 15, 15))
    _label(draw, picture.size, "Convoy of reinforcements, picture 2 (sample)")
    return picture


def _snipers() -> Image.Image:
    picture, draw, _rng = _landscape(31, (900, 600), 0.70, (120, 130, 140), (110, 100, 80))
    draw.rectangle((0, 180, 520, 420), fill=(150, 140, 125))  # a ruined wall
    for x in range(40, 520, 110):
        draw.rectangle((x, 240, x + 50, 280), fill=(35, 35, 35))  # windows
    for x in (120, 340):
        draw.rectangle((x, 395, x + 90, 410), fill=(50, 60, 45))  # prone figures
        draw.line((x + 90, 400, x + 160, 392), fill=(20, 20, 20), width=4)
    _label(draw, picture.size, "Snipers dispatched (sample)")
    return picture


def _medics() -> Image.Image:
    picture = Image.new("RGB", (900, 600), (235, 235, 230))
    draw = ImageDraw.Draw(picture)
    draw.rectangle((220, 200, 700, 470), fill=(245, 245, 245), outline=(80, 80, 80), width=4)
    draw.ellipse((380, 255, 540, 415), fill=(200, 20, 20))  # a red crescent
    draw.ellipse((420, 265, 560, 405), fill=(245, 245, 245))
    for x in (120, 790):
        _person(draw, x, 470, 18, (240, 240, 240))
    draw.ellipse((260, 470, 330, 540), fill=(30, 30, 30))
    draw.ellipse((590, 470, 660, 540), fill=(30, 30, 30))
    _label(draw, picture.size, "Medics dispatched (sample)")
    return picture


def _map_photo() -> Image.Image:
    picture = Image.new("RGB", (1024, 768), (95, 80, 60))  # a table seen from above
    draw = ImageDraw.Draw(picture)
    rng = random.Random(41)
    draw.rectangle((160, 140, 864, 620), fill=(232, 222, 190))  # the map
    for _ in range(14):
        pts = [(rng.randrange(170, 855), rng.randrange(150, 610)) for _ in range(4)]
        draw.line(pts, fill=(60, 120, 170), width=3)  # rivers and roads
    for _ in range(9):
        x, y = rng.randrange(200, 820), rng.randrange(180, 580)
        draw.ellipse((x - 7, y - 7, x + 7, y + 7), fill=(40, 40, 40))
    draw.line((300, 500, 700, 250), fill=(200, 30, 30), width=8)  # an arrow
    draw.polygon([(700, 250), (660, 252), (686, 284)], fill=(200, 30, 30))
    for x, y in ((90, 300), (90, 520), (940, 380), (500, 700)):
        draw.ellipse((x - 50, y - 50, x + 50, y + 50), fill=(60, 70, 50))  # heads from above
        draw.ellipse((x - 30, y - 30, x + 30, y + 30), fill=(40, 35, 30))
    _label(draw, picture.size, "Fighters studying a map (sample; EXIF says 2013)")
    return picture


def _clipping() -> Image.Image:
    picture = Image.new("RGB", (800, 1000), (248, 246, 238))
    draw = ImageDraw.Draw(picture)
    draw.text((40, 110), "THE SAMPLE GAZETTE", fill=(20, 20, 20), font=_font(48))
    draw.line((40, 170, 760, 170), fill=(20, 20, 20), width=3)
    draw.text((40, 190), "Spokesman: villagers beheaded", fill=(20, 20, 20), font=_font(36))
    draw.text((40, 240), "in captured villages", fill=(20, 20, 20), font=_font(36))
    rng = random.Random(51)
    for column in (40, 410):
        for row in range(300, 900, 22):  # lines of "text"
            length = rng.randrange(250, 350)
            draw.rectangle((column, row, column + length, row + 8), fill=(150, 150, 150))
    _label(draw, picture.size, "Newspaper clipping (sample)")
    return picture


def _exif_2013() -> Image.Exif:
    exif = Image.Exif()
    exif[0x010F] = "Sample"  # Make
    exif[0x0110] = "Generated placeholder"  # Model
    exif[0x0131] = "claim-workbench sample generator"  # Software
    exif[0x0132] = "2013:08:14 16:02:11"  # DateTime
    sub = exif.get_ifd(0x8769)
    sub[0x9003] = "2013:08:14 16:02:11"  # DateTimeOriginal
    sub[0x9004] = "2013:08:14 16:02:11"  # DateTimeDigitized
    return exif


def _write_video(path: Path, frames: int = 20, fps: int = 10) -> None:
    """A two-second clip of the checkpoint: the flag catches fire at the end."""
    import av  # PyAV: only the sample and workbench.media.video need it

    with av.open(str(path), mode="w", format="mp4") as container:
        stream = container.add_stream("mpeg4", rate=fps)
        stream.width, stream.height = 480, 270
        stream.pix_fmt = "yuv420p"
        stream.bit_rate = 600_000
        for i in range(frames):
            burning = max(0.0, (i - frames * 0.6) / (frames * 0.4))
            picture = _checkpoint_scene(burning).resize((480, 270))
            draw = ImageDraw.Draw(picture)
            _label(draw, picture.size, "Sarwan checkpoint video (sample)")
            frame = av.VideoFrame.from_image(picture)
            for packet in stream.encode(frame):
                container.mux(packet)
        for packet in stream.encode():
            container.mux(packet)


def write_sample_media(folder: Path) -> dict[str, Path]:
    """Draw every sample file into ``folder``; returns {file name: path}."""
    folder.mkdir(parents=True, exist_ok=True)
    out: dict[str, Path] = {}

    def jpeg(name: str, picture: Image.Image, **options: Any) -> None:
        out[name] = folder / name
        picture.save(out[name], "JPEG", quality=options.pop("quality", 88), **options)

    jpeg("sarwan_flag_burning_screenshot.jpg", _screenshot_of_video())
    jpeg("convoy_reinforcements_1.jpg", _convoy_ahead())
    jpeg("convoy_reinforcements_2.jpg", _convoy_passing())
    jpeg("snipers_dispatched.jpg", _snipers())
    jpeg("medics_dispatched.jpg", _medics())
    map_photo = _map_photo()
    jpeg("fighters_studying_map.jpg", map_photo, quality=92, exif=_exif_2013())
    # The seen-before pair: the same photo as a platform re-serves it.
    jpeg(
        "new_fronts_repost.jpg", map_photo.resize((640, 480), Image.Resampling.LANCZOS), quality=55
    )
    out["newspaper_clipping.png"] = folder / "newspaper_clipping.png"
    _clipping().save(out["newspaper_clipping.png"], "PNG")
    out["sarwan_checkpoint_video.mp4"] = folder / "sarwan_checkpoint_video.mp4"
    try:
        _write_video(out["sarwan_checkpoint_video.mp4"])
    except Exception as exc:  # an FFmpeg build without the encoder: the sample goes on
        log.warning("sample video not generated: %s", exc)
        out.pop("sarwan_checkpoint_video.mp4").unlink(missing_ok=True)
    return out


# -- building the case -------------------------------------------------------------------


def find_sample_case(workspace: Workspace) -> str | None:
    """The sample case's id, if this workspace has one."""
    with workspace.db.read() as session:
        case_id = session.scalar(select(Case.id).where(Case.name == SAMPLE_CASE))
    return str(case_id) if case_id is not None else None


def _prepare_case_and_sources(workspace: Workspace) -> str:
    """One transaction: the case (with its description) and the graded sources."""
    actor = workspace.analyst
    with workspace.db.transaction() as session:
        case = find_or_create_case(session, actor, SAMPLE_CASE)
        if case.description != CASE_DESCRIPTION:
            audit.record(
                session,
                actor,
                "case",
                case.id,
                "update",
                {"description": (case.description, CASE_DESCRIPTION)},
            )
            case.description = CASE_DESCRIPTION
        for s in SOURCES:
            find_or_create_source(
                session,
                actor,
                s.platform,
                s.handle,
                display_name=s.display_name,
                url=s.url,
                affiliation=s.affiliation,
                reliability=s.reliability,
            )
        return str(case.id)


def create_sample_case(workspace: Workspace, progress: Progress | None = None) -> str:
    """Build the sample case in ``workspace`` (or complete it) and return its id.

    Idempotent: claims already there (same text, same case) are kept as they are, with
    their media and verdicts, so a second run adds nothing.
    """
    case_id = _prepare_case_and_sources(workspace)
    existing: dict[str, ClaimView] = {c.text: c for c in workspace.claims.find(case_id=case_id)}
    missing = [c for c in CLAIMS if c.text not in existing]
    if not missing:
        return case_id
    total = sum(len(c.media) for c in missing)
    done = 0
    with tempfile.TemporaryDirectory(prefix="workbench-sample-") as tmp:
        files = write_sample_media(Path(tmp))
        for sample in missing:
            claim = workspace.claims.create(
                sample.text,
                case=SAMPLE_CASE,
                source=(sample.source.platform, sample.source.handle),
                **sample.fields,
            )
            paths = [files[name] for name in sample.media if name in files]
            if paths:
                results = workspace.media.ingest(paths, claim_id=claim.id)
                for result in results:
                    if result.status is IngestStatus.ERROR:
                        log.warning("sample media %s: %s", result.path, result.error)
            done += len(sample.media)
            if progress is not None:
                progress(done, total)
            if sample.status != "unconfirmed" or sample.rationale:
                workspace.claims.set_status(claim.id, sample.status, sample.rationale)
    return case_id
