"""Log entries for lineage edges written in bulk: one serialisation and one hash per record.

:func:`modtrace.registry.log.append` turns each record into canonical JSON, reads it back and
serialises the whole entry again: general, and right for records of any shape. An edge's record
is six known fields (strings and its integer id), so its entry's canonical JSON can be written
directly, in the key order :func:`modtrace.registry.merkle.canonical` sorts them into, with the
same string escaping (``json.encoder.encode_basestring``, which ``json.dumps`` uses when
``ensure_ascii`` is off). The bytes are the same as an entry written by ``append`` (a property
test holds the two together), so ``verify``, checkpoints and proofs see no difference.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterator, Sequence
from json.encoder import encode_basestring
from typing import Final

from modtrace.registry.log import PAYLOAD_VERSION

EDGE_KIND: Final = "lineage-edge"


def edge_ref(parent_id: str, child_id: str, relation: str) -> str:
    """How the log names an edge (``log._edge_key``)."""
    return f"{parent_id}|{child_id}|{relation}"


def edge_payload(seq: int, prev: str, at: str, edge_id: int, edge: Sequence[str], ref: str) -> str:
    """Canonical JSON of an insert entry for ``edge`` = (parent, child, relation, status, source).

    Its UTF-8 bytes equal ``merkle.canonical`` of the entry ``log.append`` builds.
    """
    parent, child, relation, status, source = edge
    e = encode_basestring
    return (
        f'{{"at":{e(at)},"kind":"{EDGE_KIND}","op":"insert","prev":{e(prev)},'
        f'"record":{{"child_id":{e(child)},"id":{edge_id},"parent_id":{e(parent)},'
        f'"relation":{e(relation)},"source":{e(source)},"status":{e(status)}}},'
        f'"ref":{e(ref)},"seq":{seq},"v":{PAYLOAD_VERSION}}}'
    )


def edge_entries(
    seq: int,
    prev: str,
    now: dt.datetime,
    ids: Sequence[int],
    edges: Sequence[Sequence[str]],
) -> Iterator[tuple[int, str, str, str, str]]:
    """(seq, kind, ref, payload, leaf hash) for each edge, chained after entry ``seq``/``prev``.

    ``edges`` are (parent, child, relation, status, source) tuples, stored under ``ids``.
    """
    at = now.isoformat()
    sha256 = hashlib.sha256
    for edge_id, edge in zip(ids, edges, strict=True):
        seq += 1
        ref = edge_ref(edge[0], edge[1], edge[2])
        payload = edge_payload(seq, prev, at, edge_id, edge, ref)
        prev = sha256(b"\x00" + payload.encode("utf-8")).hexdigest()  # merkle.leaf_hash
        yield seq, EDGE_KIND, ref, payload, prev
