"""The log's public routes for outsiders: signed checkpoints and consistency proofs.

Anyone may call them: they reveal hashes and sizes only. An outsider keeps a checkpoint, later
fetches a newer one and the consistency proof between them, and checks both offline
(``modtrace log audit``): a rewritten or truncated history, or a forged checkpoint, fails.
"""

from __future__ import annotations

from dataclasses import asdict
from typing import Annotated, Any

from fastapi import APIRouter, Query

from modtrace.api.errors import ApiError
from modtrace.registry import checkpoint
from modtrace.registry.register import Register

MAX_SIZE = 2**31 - 1


def log_router(register: Register) -> APIRouter:
    """Routes over ``register``'s log, signing with the local key when one exists."""
    router = APIRouter(tags=["log"])
    key = checkpoint.default_key_path()
    signer = checkpoint.read_signer(key) if key.is_file() else None

    @router.get("/api/log/checkpoint")
    def log_checkpoint() -> dict[str, Any]:
        """The current head as a signed checkpoint (C2SP tlog-checkpoint, Ed25519)."""
        if signer is None:
            raise ApiError(404, "this register has no checkpoint signing key (modtrace log keygen)")
        head = register.head()
        return {
            "ok": True,
            "checkpoint": checkpoint.sign(head, signer),
            "size": head.size,
            "root": head.root,
            "key_name": signer.name,
        }

    @router.get("/api/log/consistency")
    def log_consistency(
        first: Annotated[int, Query(ge=0, le=MAX_SIZE)],
        second: Annotated[int | None, Query(ge=0, le=MAX_SIZE)] = None,
    ) -> dict[str, Any]:
        """RFC 9162 proof that the head of ``first`` entries is a prefix of ``second`` (or now)."""
        return {"ok": True, "proof": asdict(register.consistency(first, second))}

    return router
