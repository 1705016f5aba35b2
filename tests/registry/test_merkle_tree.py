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


def test_consistency_proofs_match_rfc_6962_section_2_1_3() -> None:
    # The RFC's tree of seven leaves d0..d6: PROOF(3) = [c, d, g, l], PROOF(4) = [l],
    # PROOF(6) = [i, j, k], where a..f are leaves, g = (a, b), i = (e, f), j = d6, k = (g, h),
    # and l = (i, j).
    a, b, c, d, e, f, j = leaves(7)
    g, h, i = merkle.node_hash(a, b), merkle.node_hash(c, d), merkle.node_hash(e, f)
    k, l_ = merkle.node_hash(g, h), merkle.node_hash(i, j)
    tree = leaves(7)
    assert merkle.consistency_proof(3, tree) == [c, d, g, l_]
    assert merkle.consistency_proof(4, tree) == [l_]
    assert merkle.consistency_proof(6, tree) == [i, j, k]


@pytest.mark.parametrize("n", range(1, 34))
def test_every_prefix_is_proved_consistent(n: int) -> None:
    tree = leaves(n)
    for m in range(n + 1):
        proof = merkle.consistency_proof(m, tree)
        old, new = merkle.root(tree[:m]), merkle.root(tree)
        assert merkle.verify_consistency(m, n, old, new, proof), (m, n)


@settings(deadline=None)
@given(n=st.integers(2, 200), data=st.data())
def test_a_rewritten_or_truncated_history_fails_the_consistency_check(
    n: int, data: st.DataObject
) -> None:
    tree = leaves(n)
    m = data.draw(st.integers(1, n - 1))
    old_root = merkle.root(tree[:m])
    # rewriting: the server changed one of the first m leaves and proves against the new tree
    changed = data.draw(st.integers(0, m - 1))
    rewritten = [*tree[:changed], merkle.leaf_hash(b"rewritten"), *tree[changed + 1 :]]
    proof = merkle.consistency_proof(m, rewritten)
    assert not merkle.verify_consistency(m, n, old_root, merkle.root(rewritten), proof)
    # truncation: a tree smaller than the one the outsider holds cannot extend it
    shorter = data.draw(st.integers(0, m - 1))
    assert not merkle.verify_consistency(m, shorter, old_root, merkle.root(tree[:shorter]), [])
    # a proof with one hash flipped fails
    honest = merkle.consistency_proof(m, tree)
    if honest:
        spot = data.draw(st.integers(0, len(honest) - 1))
        forged = [*honest[:spot], hashlib.sha256(honest[spot]).digest(), *honest[spot + 1 :]]
        assert not merkle.verify_consistency(m, n, old_root, merkle.root(tree), forged)
