"""The commands on claims: ``claim`` (add, show, list, edit, verdicts, relations, findings,
checklist steps) and ``event``.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from workbench.claims.checklist import STATE_WORDS, Check
from workbench.claims.relations import Related
from workbench.claims.sources import parse_source_spec
from workbench.claims.views import ClaimView, to_jsonable
from workbench.cli.shapes import claim_json, emit, ingest_json
from workbench.library.first_seen import first_seen
from workbench.library.views import IngestStatus
from workbench.workspace import Workspace


def cmd_claim(args: argparse.Namespace, ws: Workspace) -> int:
    action = args.claim_command
    if action == "add":
        source = parse_source_spec(args.source) if args.source else None
        claim = ws.claims.create(
            args.text,
            summary=args.summary,
            case=args.case,
            source=source,
            source_reliability=args.source_reliability,
            post_url=args.url,
            posted_at=args.posted,
            observed_at=args.observed,
            original_text=args.original_text,
            original_language=args.language,
            translation=args.translation,
            place_name=args.place,
            latitude=args.lat,
            longitude=args.lon,
            location_precision=args.precision,
            actors=args.actor,
            tags=args.tag,
            credibility=args.credibility,
            notes=args.notes,
        )
        media = ws.media.ingest(args.media, claim_id=claim.id) if args.media else []
        for r in media:
            if r.status is IngestStatus.ERROR:
                print(f"workbench: {r.path}: {r.error}", file=sys.stderr)
        emit(args, {"id": claim.id, "media": [ingest_json(r) for r in media]}, claim.id)
        return 0
    if action == "show":
        claim = ws.claims.get(args.id)
        payload = claim_json(claim)
        related = ws.relations.of(claim.id)
        payload["relations"] = [
            {k: v for k, v in to_jsonable(r).items() if k != "text"} for r in related
        ]
        payload["events"] = [{"id": i, "name": n} for i, n in ws.events.of_claim(claim.id)]
        for media in payload["media"]:
            seen = first_seen(ws, media["media_id"])
            media["first_seen"] = (
                None
                if seen is None
                else {
                    "claim_id": seen.claim_id,
                    "at": to_jsonable(seen.at),
                    "posted": seen.dated,
                    "handle": seen.handle,
                    "later": seen.later,
                }
            )
        checklist = ws.checklist.of(claim.id)
        payload["checklist"] = [
            {"step": c.step, "state": c.state, "note": c.note, "by": c.by, "at": to_jsonable(c.at)}
            for c in checklist
        ]
        payload["audit"] = to_jsonable(ws.claims.history(claim.id))
        emit(args, payload, _claim_text(claim, related, checklist))
        return 0
    if action == "check":
        done = ws.checklist.set(args.id, args.step, args.state, args.note)
        human = f"{args.id}: {done.label}: {STATE_WORDS[done.state]}"
        emit(args, to_jsonable(done), human)
        return 0
    if action in ("relate", "unrelate"):
        if action == "relate":
            relation = ws.relations.relate(args.id, args.other_id, args.kind, args.note)
        else:
            relation = ws.relations.unrelate(args.id, args.other_id)
        verb = "related" if action == "relate" else "unrelated"
        human = f"{verb}: {relation.claim_id} {relation.kind} {relation.other_id}"
        emit(args, to_jsonable(relation), human)
        return 0
    if action == "list":
        claims = ws.claims.find(status=args.status, tag=args.tag, actor=args.actor, text=args.text)
        lines = [f"{c.id}  {c.status:<11} {c.text[:70]}" for c in claims]
        emit(args, [claim_json(c) for c in claims], "\n".join(lines))
        return 0
    if action == "status":
        claim = ws.claims.set_status(args.id, args.status, args.rationale)
        emit(args, claim_json(claim), f"{claim.id}: {claim.status}")
        return 0
    raise AssertionError(action)


def _claim_text(
    c: ClaimView, related: Sequence[Related] = (), checklist: Sequence[Check] = ()
) -> str:
    lines = [f"claim {c.id}  [{c.status}]", f"  text: {c.text}"]
    if c.original_text:
        lines.append(f"  original ({c.original_language or '?'}): {c.original_text}")
    if c.translation:
        lines.append(f"  translation: {c.translation}")
    if c.source:
        lines.append(f"  source: {c.source.platform}:{c.source.handle} ({c.source.reliability})")
    if c.posted_at:
        lines.append(f"  posted: {c.posted_at.isoformat()}")
    if c.rationale:
        lines.append(f"  rationale: {c.rationale} ({c.decided_by}, {c.decided_at:%Y-%m-%d %H:%M})")
    for m in c.media:
        found = f" [{m.finding.category}]" if m.finding else ""
        lines.append(f"  media: {m.sha256[:12]} {m.kind} {m.role} {m.original_name}{found}")
    for r in related:
        note = f": {r.note}" if r.note else ""
        lines.append(f"  {r.words}: {r.claim_id} [{r.status}] {r.text[:60]}{note}")
    for k in checklist:
        note = f": {k.note}" if k.note else ""
        lines.append(
            f"  [{'x' if k.state == 'done' else '-' if not k.open else ' '}] {k.label}{note}"
        )
    return "\n".join(lines)


def cmd_event(args: argparse.Namespace, ws: Workspace) -> int:
    action = args.event_command
    if action == "add":
        made = ws.events.create(
            args.name,
            place=args.place,
            starts_at=args.starts_at,
            ends_at=args.ends_at,
            actors=args.actor,
            notes=args.notes,
            claim_ids=args.claim,
        )
        emit(args, to_jsonable(made), made.id)
        return 0
    if action == "list":
        events = ws.events.all()
        lines = [f"{e.id}  {len(e.claim_ids):>4} claims  {e.name}" for e in events]
        emit(args, to_jsonable(events), "\n".join(lines))
        return 0
    shown = ws.events.get(args.id)
    claims = [ws.claims.get(c) for c in shown.claim_ids]
    payload = to_jsonable(shown)
    payload["claims"] = [claim_json(c) for c in claims]
    lines = [f"event {shown.id}  {shown.name}"]
    by_source: dict[str, list[ClaimView]] = {}
    for c in claims:
        label = f"{c.source.platform}:{c.source.handle}" if c.source else "(no source)"
        by_source.setdefault(label, []).append(c)
    for label, group in by_source.items():
        lines.append(f"  {label}")
        lines += [f"    {c.id}  {c.status:<11} {c.text[:60]}" for c in group]
    emit(args, payload, "\n".join(lines))
    return 0
