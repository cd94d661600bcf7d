"""Union-find groups (storyline.groups)."""

from __future__ import annotations

from storyline.groups import Groups


def test_indices_start_alone_and_joined_ones_share_a_root() -> None:
    groups = Groups(5)
    assert [groups.root(index) for index in range(5)] == [0, 1, 2, 3, 4]
    groups.join(3, 1)
    groups.join(4, 3)
    assert groups.root(4) == groups.root(3) == groups.root(1) == 1
    assert groups.root(0) == 0 and groups.root(2) == 2


def test_a_join_puts_the_member_group_under_the_other_root() -> None:
    groups = Groups(4)
    groups.join(1, 0)
    groups.join(3, 2)
    groups.join(0, 3)  # the group {0, 1} goes under {2, 3}'s root
    assert {groups.root(index) for index in range(4)} == {2}


def test_a_long_chain_still_finds_its_root() -> None:
    groups = Groups(1000)
    for index in range(1, 1000):
        groups.join(index - 1, index)  # each root goes under the next index: a chain 0 -> 1 -> ... -> 999
    assert groups.root(0) == 999
    assert all(groups.root(index) == 999 for index in range(1000))
