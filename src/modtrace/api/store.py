"""Reads the API needs, over the register's tables."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Select, or_, select

from modtrace.registry.register import Register
from modtrace.registry.tables import (
    determinations,
    filing_reviews,
    filings,
    incidents,
    models,
    modifications,
)
from modtrace.registry.tokens import Principal
from modtrace.visibility import access

FilingContext = tuple[dict[str, Any], dict[str, Any], list[dict[str, Any]], list[dict[str, Any]]]
"""A filing, its facts, its latest determinations and its reviews."""


def filing_context(
    register: Register, filing_id: int, who: Principal | None = None
) -> FilingContext | None:
    """A filing, its facts, the latest determination per regime, and its reviews; with ``who``,
    ``None`` also for a filing ``who`` may not read, decided before anything more is read, so a
    hidden filing costs what a missing one does (no timing oracle on its existence)."""
    with register.engine.connect() as c:
        row = (
            c.execute(
                select(filings, modifications.c.facts, models.c.provider.label("model_provider"))
                .join(modifications, modifications.c.id == filings.c.modification_id)
                .outerjoin(models, models.c.id == filings.c.model_modified)
                .where(filings.c.id == filing_id)
            )
            .mappings()
            .first()
        )
        if row is None:
            return None
        filing: dict[str, Any] = {col.name: row[col.name] for col in filings.c}
        filing["model_provider"] = row["model_provider"]  # the register's, for visibility
        if who is not None and not access.can_read_filing(who, filing, dict(row["facts"])):
            return None
        latest: dict[str, dict[str, Any]] = {}
        for d in c.execute(
            select(
                determinations.c.regime_id,
                determinations.c.regime_version,
                determinations.c.outcome,
                determinations.c.role,
                determinations.c.at,
            )
            .where(determinations.c.modification_id == filing["modification_id"])
            .order_by(determinations.c.id)
        ).mappings():
            latest[d["regime_id"]] = {**d, "at": d["at"].isoformat()}
        reviews = [
            {
                "from": r["from_status"],
                "to": r["to_status"],
                "reviewer": r["reviewer"],
                "comment": r["comment"],
            }
            for r in c.execute(
                select(filing_reviews)
                .where(filing_reviews.c.filing_id == filing_id)
                .order_by(filing_reviews.c.id)
            ).mappings()
        ]
    return filing, dict(row["facts"]), list(latest.values()), reviews


def _searched(stmt: Select[Any], status: str | None, query: str | None) -> Select[Any]:
    """``stmt`` narrowed by status and a search over the public fields."""
    if status:
        stmt = stmt.where(filings.c.status == status)
    if query:  # the words as typed: % and _ are characters here, not wildcards
        text = query.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        like = f"%{text}%"
        stmt = stmt.where(
            or_(
                filings.c.model_modified.ilike(like, escape="\\"),
                filings.c.modifications_made.ilike(like, escape="\\"),
            )
        )
    return stmt


def filing_ids(
    register: Register,
    *,
    status: str | None = None,
    query: str | None = None,
    limit: int = 200,
    offset: int = 0,
) -> list[int]:
    """Filing ids, newest first, optionally by status and a search over public fields."""
    stmt = select(filings.c.id).order_by(filings.c.id.desc()).limit(limit).offset(offset)
    with register.engine.connect() as c:
        return [int(i) for i in c.execute(_searched(stmt, status, query)).scalars()]


def readable_filings(
    register: Register,
    who: Principal,
    *,
    status: str | None = None,
    query: str | None = None,
    limit: int = 200,
    offset: int = 0,
) -> list[FilingContext]:
    """One page of the filings ``who`` may read, newest first.

    ``offset`` and ``limit`` count readable filings only: paging over every filing and dropping
    the unreadable ones afterwards told a caller, by where its own filings fell, how many it
    could not read matched a search. For modifiers and providers the columns the rule reads
    (status, owner, model, the model's recorded provider) are read for every matching filing in
    one query, and the full records only for the page.
    """
    if who.role == "public" and status not in (None, "", "accepted"):
        return []
    if who.role in ("regulator", "public"):  # the database can page these
        wanted = status if who.role == "regulator" else "accepted"
        ids = filing_ids(register, status=wanted, query=query, limit=limit, offset=offset)
    else:
        stmt = (
            select(
                filings.c.id,
                filings.c.status,
                filings.c.owner,
                filings.c.model_modified,
                models.c.provider.label("model_provider"),
            )
            .outerjoin(models, models.c.id == filings.c.model_modified)
            .order_by(filings.c.id.desc())
        )
        with register.engine.connect() as c:
            rows = c.execute(_searched(stmt, status, query)).mappings()
            readable = [int(r["id"]) for r in rows if access.can_read_filing(who, dict(r), {})]
        ids = readable[offset : offset + limit]
    return [ctx for i in ids if (ctx := filing_context(register, i))]


def recent_incidents(register: Register, limit: int = 50) -> list[dict[str, Any]]:
    """Incidents, newest first (by date, undated last, then latest recorded), with their models."""
    stmt = (
        select(
            incidents.c.id,
            incidents.c.date,
            incidents.c.title,
            incidents.c.severity,
            incidents.c.model_ids,
            incidents.c.reported_by,
        )
        .order_by(incidents.c.date.desc().nulls_last(), incidents.c.id.desc())
        .limit(limit)
    )
    with register.engine.connect() as c:
        return [dict(row) for row in c.execute(stmt).mappings()]
