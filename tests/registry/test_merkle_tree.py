"""The Merkle tree follows RFC 6962: roots, audit paths, and their verification."""

from __future__ import annotations

import hashlib

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from modtrace.registry import merkle


def leaves(n: int) -> list[bytes]:
    return [merkle.leaf_hash(str(i).encode()) for i in range(n)]


def test_known_answers() -> None:
    # RFC 6962 §2.1: MTH({}) = SHA-256(""); one leaf: SHA-256(0x00 || d0).
    assert merkle.root([]).hex() == hashlib.sha256(b"").hexdigest()
    assert merkle.leaf_hash(b"") == hashlib.sha256(b"\x00").digest()
    assert merkle.root([merkle.leaf_hash(b"")]).hex() == (
        "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d"
    )


@pytest.mark.parametrize("n", range(0, 70))
def test_bottom_up_root_equals_the_rfc_definition(n: int) -> None:
    assert merkle.root(leaves(n)) == merkle.root_recursive(leaves(n))


@settings(deadline=None)
@given(n=st.integers(1, 300), data=st.data())
def test_every_audit_path_verifies_and_a_wrong_leaf_does_not(n: int, data: st.DataObject) -> None:
    tree = leaves(n)
    index = data.draw(st.integers(0, n - 1))
    proof = merkle.inclusion_proof(index, tree)
    top = merkle.root(tree)
    assert merkle.verify_inclusion(index, n, tree[index], proof, top)
    assert not merkle.verify_inclusion(index, n, merkle.leaf_hash(b"forged"), proof, top)
    if n > 1:
        assert not merkle.verify_inclusion((index + 1) % n, n, tree[index], proof, top)
