"""Building ballots and registers for the pure decision function in tests."""


def ballots_of(by_group: dict) -> list[dict]:
    """{group: (yes, no, abstain)} -> one ballot per voter, voters numbered from 1."""
    out, n = [], 0
    for group, counts in by_group.items():
        for choice, k in zip(("yes", "no", "abstain"), counts, strict=False):
            for _ in range(k):
                n += 1
                out.append({"voter": n, "group": group, "choice": choice, "at": n, "country": None,
                            "organisation": n})
    return out


def register_of(groups: list[str], eligible: int, ballots: list[dict], present=None) -> dict:
    """Every voter entitled, plus silent entitled voters up to `eligible` (spread over the groups)."""
    entitled = [{"id": b["voter"], "group": b["group"], "country": b.get("country"),
                 "organisation": b.get("organisation")} for b in ballots]
    n = len(entitled)
    while n < eligible:
        n += 1
        entitled.append({"id": 10_000 + n, "group": groups[n % len(groups)], "country": None,
                         "organisation": 10_000 + n})
    return {"groups": groups, "entitled": entitled, "present": present}
