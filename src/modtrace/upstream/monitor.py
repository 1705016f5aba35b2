"""Monitoring and revocation (paper Table 6, monitoring): signals per requester, and rules that
recommend revoking access and notifying the regulator.

Signals, all read from the register: gate decisions (denials), confirmed KYC matches,
incidents implicating the requester's registered models, evidence that a registered
modification significantly weakened safeguards or raised high-risk capability, and entries on the
shared breach register.

The rules *recommend*; they never list anyone. Only :meth:`Register.record_breach`, from a
confirmed finding with who recorded it and why, puts a party on the breach register every gate
reads (:func:`breach_entries`). Denials alone once did, so two denied requests at one provider
made every provider deny the requester (issue 11, finding 2).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select

from modtrace.names import fold
from modtrace.registry.register import Register
from modtrace.registry.tables import breach_entries as breach_table
from modtrace.registry.tables import (
    evidence_records,
    gate_decisions,
    incidents,
    kyc_judgements,
    modifications,
)
from modtrace.upstream.kyc import Entry

REPEATED_DENIALS = 2
"""Denials at which a pattern of prohibited requests is assumed."""


@dataclass
class Monitored:
    """One requester: what the register shows, and what the rules recommend."""

    requester: str
    decisions: dict[str, int] = field(default_factory=dict)
    signals: list[str] = field(default_factory=list)
    revoke: bool = False
    notify_regulator: bool = False
    rules: list[str] = field(default_factory=list)


def _evidence_signals(document: dict[str, Any]) -> str | None:
    if document.get("direction") != "increase":
        return None
    if document.get("prompt_set") == "harmful":
        return "evidence: harmful-prompt compliance rose significantly (safeguards weakened)"
    if document.get("prompt_set") == "capability":
        return "evidence: significant high-risk capability uplift"
    return None


def monitor(register: Register) -> list[Monitored]:
    """Every requester the register knows, with signals and recommendations."""
    people: dict[str, Monitored] = {}

    def of(name: str) -> Monitored:
        return people.setdefault(fold(name), Monitored(name))

    with register.engine.connect() as c:
        for requester, decision in c.execute(
            select(gate_decisions.c.requester, gate_decisions.c.decision)
        ):
            m = of(requester)
            m.decisions[decision] = m.decisions.get(decision, 0) + 1
        for requester, entry, verdict in c.execute(
            select(kyc_judgements.c.requester, kyc_judgements.c.entry, kyc_judgements.c.verdict)
        ):
            if verdict == "confirmed":
                of(requester).signals.append(f"KYC match confirmed: {entry}")
        owned: dict[str, str] = {}
        for modifier, model_id in c.execute(
            select(modifications.c.modifier, modifications.c.model_id).order_by(modifications.c.id)
        ):
            if model_id:
                owned[model_id] = modifier
        for modifier, mod_id, document in c.execute(  # one query, not one per modification
            select(modifications.c.modifier, modifications.c.id, evidence_records.c.document)
            .join(evidence_records, evidence_records.c.modification_id == modifications.c.id)
            .order_by(modifications.c.id, evidence_records.c.id)
        ):
            if signal := _evidence_signals(document):
                of(modifier).signals.append(f"{signal} (modification {mod_id})")
        for party, reason, recorded_by in c.execute(
            select(breach_table.c.party, breach_table.c.reason, breach_table.c.recorded_by)
        ):
            of(party).signals.append(f"breach register: {reason} (recorded by {recorded_by})")
        for title, model_ids in c.execute(select(incidents.c.title, incidents.c.model_ids)):
            for model_id in model_ids:
                if model_id in owned:
                    of(owned[model_id]).signals.append(f"incident: {title} (model {model_id})")

    for m in people.values():
        if any(s.startswith("breach register:") for s in m.signals):
            m.revoke, m.notify_regulator = True, True
            m.rules.append("on the breach register from a confirmed finding (fn 70): revoke")
        if any(s.startswith("KYC match confirmed") for s in m.signals):
            m.revoke, m.notify_regulator = True, True
            m.rules.append(
                "a confirmed sanctions or breach-register match: revoke and report (Table 6, KYC)"
            )
        if m.decisions.get("deny", 0) >= REPEATED_DENIALS:
            m.revoke = True
            m.rules.append(
                f"{m.decisions['deny']} denied requests: prohibited modifications attempted "
                "(Table 6, monitoring); a reviewer who confirms it records a breach "
                "(modtrace gate breach add --basis gate-decision)"
            )
        if any(s.startswith("evidence:") for s in m.signals):
            m.revoke, m.notify_regulator = True, True
            m.rules.append(
                "safeguards compromised or high-risk uplift shown by evidence: revoke and report "
                "(Table 6, monitoring)"
            )
        if any(s.startswith("incident:") for s in m.signals):
            m.notify_regulator = True
            m.rules.append(
                "an incident implicates a registered model: report to the regulator (§IV.3)"
            )
    return sorted(
        people.values(), key=lambda m: (not m.revoke, not m.notify_regulator, m.requester)
    )


def breach_entries(register: Register) -> list[Entry]:
    """The shared breach register as a screening list (paper fn 70): confirmed findings only."""
    return [
        Entry(
            row["party"],
            (),
            "",
            "register-breaches",
            f"{row['reason']} (recorded by {row['recorded_by']} from {row['basis']} "
            f"{row['basis_id']})",
        )
        for row in register.breaches()
    ]
