"""Concurrent and hostile use, on SQLite and PostgreSQL: requests racing from a thread pool
into the running app (each sync route runs on its own worker thread and database connection),
re-used ids, role-shaped lead states, malformed ids and time zones."""

from __future__ import annotations

import io
from collections import Counter
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime
from threading import Barrier
from typing import Any

import httpx
import pandas as pd
import pytest

from recommender import ConflictError
from recommender.profiles import validate_rows

from .conftest import CLUSTER_A, CLUSTER_B, World, partner_body, sme_body, unique

V1 = "/api/v1"
P = "p-us-001"  # a bundled partner in the subset


def race(count: int, call: Callable[[int], httpx.Response]) -> list[httpx.Response]:
    """`count` calls released together from as many threads."""
    start = Barrier(count)

    def run(i: int) -> httpx.Response:
        start.wait()
        return call(i)

    with ThreadPoolExecutor(count) as pool:
        return list(pool.map(run, range(count)))


def codes(responses: list[httpx.Response]) -> Counter[int]:
    return Counter(r.status_code for r in responses)


def fresh_sme(world: World, cluster: str = CLUSTER_A) -> str:
    """A new SME, so every lead of it starts untracked."""
    sme_id = unique("sme-race")
    assert world.post(f"{V1}/smes", json=sme_body(sme_id, cluster)).status_code == 201
    return sme_id


def assert_one_chain(history: list[dict[str, Any]], status: str) -> None:
    """Status events each leave the status the one before entered, ending at `status`."""
    moves = [e for e in history if e["kind"] == "status"]
    current = "suggested"
    for event in moves:
        assert event["old_value"] == current, moves
        current = event["new_value"]
    assert current == status


def move(world: World, sme_id: str, status: str, **extra: Any) -> httpx.Response:
    path = f"{V1}/leads/{sme_id}/{P}/status"
    return world.post(path, "advisor_own", json={"status": status, **extra})


def test_racing_first_moves_of_one_lead_make_one_chain(world: World) -> None:
    sme_id = fresh_sme(world)
    answers = race(20, lambda _: move(world, sme_id, "shortlisted"))
    assert codes(answers) == {200: 20}
    state = world.get(f"{V1}/leads/{sme_id}/{P}").json()
    assert state["status"] == "shortlisted"
    assert [(e["old_value"], e["new_value"]) for e in state["history"]] == [
        ("suggested", "shortlisted")
    ]


def test_racing_first_moves_stating_their_origin_one_wins(world: World) -> None:
    sme_id = fresh_sme(world)
    answers = race(20, lambda _: move(world, sme_id, "shortlisted", from_status="suggested"))
    assert codes(answers) == {200: 1, 409: 19}
    lost = next(r for r in answers if r.status_code == 409).json()["detail"]
    assert "another change came first" in lost
    assert len(world.get(f"{V1}/leads/{sme_id}/{P}").json()["history"]) == 1


@pytest.mark.parametrize("state_origin", [True, False], ids=["from_status", "no_from_status"])
def test_six_racing_moves_keep_the_chain(world: World, state_origin: bool) -> None:
    for _ in range(3):
        sme_id = fresh_sme(world)
        assert move(world, sme_id, "shortlisted").status_code == 200
        origin = {"from_status": "shortlisted"} if state_origin else {}
        answers = race(
            6,
            lambda i, s=sme_id, o=origin: move(world, s, ("declined", "contacted")[i % 2], **o),
        )
        assert not any(r.status_code >= 500 for r in answers)
        assert set(codes(answers)) <= {200, 409}
        state = world.get(f"{V1}/leads/{sme_id}/{P}").json()
        assert_one_chain(state["history"], state["status"])
        if state_origin:
            assert codes(answers)[200] == 1
            assert len(state["history"]) == 2  # suggested -> shortlisted -> the winner


def test_racing_first_notes_and_feedback_all_land(world: World) -> None:
    sme_id = fresh_sme(world)
    notes = race(
        20,
        lambda i: world.post(
            f"{V1}/leads/{sme_id}/{P}/notes", "advisor_own", json={"text": f"note {i}"}
        ),
    )
    assert codes(notes) == {201: 20}
    state = world.get(f"{V1}/leads/{sme_id}/{P}").json()
    assert sorted(n["new_value"] for n in state["notes"]) == sorted(f"note {i}" for i in range(20))

    token = world.workspace.tokens.create("sme", sme_id=sme_id)
    verdicts = race(
        20,
        lambda i: world.client.put(
            f"{V1}/smes/{sme_id}/feedback/{P}",
            headers={"Authorization": f"Bearer {token}"},
            json={"interesting": i % 2 == 0, "reason": f"reason {i}"},
        ),
    )
    assert codes(verdicts) == {200: 20}
    stored = world.get(f"{V1}/smes/{sme_id}/feedback").json()
    assert len(stored) == 1 and stored[0]["reason"] in {f"reason {i}" for i in range(20)}


def test_parallel_creates_of_one_id_give_one_201(world: World) -> None:
    partner_id = unique("p-race")
    partners = race(5, lambda _: world.post(f"{V1}/partners", json=partner_body(partner_id)))
    assert codes(partners) == {201: 1, 409: 4}
    sme_id = unique("sme-race")
    smes = race(5, lambda _: world.post(f"{V1}/smes", "advisor_own", json=sme_body(sme_id)))
    assert codes(smes) == {201: 1, 409: 4}
    assert world.get(f"{V1}/partners/{partner_id}").status_code == 200


def test_a_cluster_move_and_a_description_edit_both_survive(world: World) -> None:
    for round_ in range(5):
        sme_id = fresh_sme(world)
        token = world.workspace.tokens.create("sme", sme_id=sme_id)
        text = f"Round {round_}: curbside charging hubs for delivery fleets in dense cities."

        def edit(i: int, s: str = sme_id, t: str = token, d: str = text) -> httpx.Response:
            if i == 0:
                return world.patch(f"{V1}/smes/{s}", json={"cluster": CLUSTER_B})
            return world.client.patch(
                f"{V1}/smes/{s}", headers={"Authorization": f"Bearer {t}"}, json={"description": d}
            )

        assert codes(race(2, edit)) == {200: 2}
        stored = world.get(f"{V1}/smes/{sme_id}").json()
        assert (stored["cluster"], stored["description"]) == (CLUSTER_B, text)
        assert world.get(f"{V1}/smes/{sme_id}", "advisor_own").status_code == 404
        assert world.get(f"{V1}/smes/{sme_id}", "advisor_other").status_code == 200


def test_the_token_of_a_deleted_sme_is_dead_when_its_id_is_re_used(world: World) -> None:
    sme_id = fresh_sme(world, CLUSTER_A)
    token = world.workspace.tokens.create("sme", sme_id=sme_id)
    old = {"Authorization": f"Bearer {token}"}
    assert world.client.get(f"{V1}/smes/{sme_id}", headers=old).status_code == 200
    assert world.delete(f"{V1}/smes/{sme_id}", "advisor_own").status_code == 204
    body = sme_body(sme_id, CLUSTER_B)
    assert world.post(f"{V1}/smes", "advisor_other", json=body).status_code == 201
    notes = f"{V1}/leads/{sme_id}/{P}/notes"
    assert world.post(notes, "advisor_other", json={"text": "B note"}).status_code == 201
    for method, path in (
        ("GET", f"{V1}/me"),
        ("GET", f"{V1}/smes/{sme_id}"),
        ("GET", f"{V1}/leads/{sme_id}/{P}"),
        ("PATCH", f"{V1}/smes/{sme_id}"),
    ):
        json = {"description": "taken over"} if method == "PATCH" else None
        response = world.client.request(method, path, headers=old, json=json)
        assert response.status_code == 401, (method, path)
    assert world.get(f"{V1}/smes/{sme_id}").json()["description"] == body["description"]


def test_an_import_replacing_an_sme_away_revokes_its_tokens(world: World) -> None:
    store = world.workspace.store
    sme_id = fresh_sme(world)
    token = world.workspace.tokens.create("sme", sme_id=sme_id)
    others = [s for s in store.all("sme") if s.id != sme_id]
    store.import_records({"sme": others}, replace=True)
    world.workspace.refresh()
    assert world.workspace.tokens.verify(token) is None


def test_an_smes_lead_state_has_no_advisor_notes_nor_actors(world: World) -> None:
    sme_id = fresh_sme(world)
    token = world.workspace.tokens.create("sme", sme_id=sme_id)
    assert move(world, sme_id, "shortlisted").status_code == 200
    note = {"text": "ADVISOR-ONLY: their CTO left"}
    assert world.post(f"{V1}/leads/{sme_id}/{P}/notes", "advisor_own", json=note).status_code == 201
    own = world.client.get(f"{V1}/leads/{sme_id}/{P}", headers={"Authorization": f"Bearer {token}"})
    assert own.status_code == 200
    state = own.json()
    assert state["status"] == "shortlisted" and state["notes"] == []
    assert state["history"] == [
        {
            "actor": None,
            "kind": "status",
            "old_value": "suggested",
            "new_value": "shortlisted",
            "at": state["history"][0]["at"],
        }
    ]
    assert "ADVISOR-ONLY" not in own.text and "advisor" not in own.text
    advisor = world.get(f"{V1}/leads/{sme_id}/{P}", "advisor_own").json()
    assert [n["new_value"] for n in advisor["notes"]] == [note["text"]]
    assert all(e["actor"].startswith("advisor:") for e in advisor["history"])


@pytest.mark.parametrize("bad_id", ["has space", "a/b", "-dash-first", "tab\there", "é-accent"])
def test_an_id_outside_the_pattern_is_refused_at_import_and_listings_keep_working(
    world: World, bad_id: str
) -> None:
    good = partner_body(unique("p-ok"))
    frame = pd.DataFrame([{**good, "sectors": "parking"}, {**good, "id": bad_id}])
    data = frame.to_csv(index=False).encode()
    files = {"file": ("partners.csv", io.BytesIO(data), "text/csv")}
    answer = world.post(f"{V1}/partners/import", files=files)
    assert answer.status_code == 422
    problems = answer.json()["problems"]
    assert [(p["file"], p["row"], p["column"]) for p in problems] == [("partners.csv", 3, "id")]
    assert "letters, digits" in problems[0]["reason"]
    assert world.get(f"{V1}/partners/{good['id']}").status_code == 404  # nothing imported
    for role in ("admin", "advisor_own", "sme_self"):
        assert world.get(f"{V1}/partners?limit=500", role).status_code == 200
        assert world.get(f"{V1}/smes?limit=500", role).status_code == 200
    body = partner_body(unique("p")) | {"id": bad_id}
    assert world.post(f"{V1}/partners", json=body).status_code == 422


def test_the_import_cluster_check_runs_in_the_write_transaction(world: World) -> None:
    """An SME created in another cluster after the upload's early check (during its
    embedding, say) makes the import fail as a whole."""
    taken, new = unique("sme-taken"), unique("sme-new")
    assert world.post(f"{V1}/smes", "advisor_other", json=sme_body(taken, CLUSTER_B)).is_success
    loaded = validate_rows([sme_body(taken), sme_body(new)], "sme", "smes.csv")
    with pytest.raises(ConflictError, match="not available"):
        world.workspace.import_loaded([loaded], cluster=CLUSTER_A)
    assert world.workspace.store.clusters([taken, new]) == {taken: CLUSTER_B}


def test_feedback_takes_a_json_boolean_only(world: World) -> None:
    path = f"{V1}/smes/sme-atsuke/feedback/{P}"
    for value in (0, 1, "true", "yes", None):
        answer = world.put(path, "sme_self", json={"interesting": value})
        assert answer.status_code == 422, value
    assert world.put(path, "sme_self", json={"interesting": False}).status_code == 200


def test_timestamps_carry_their_time_zone(world: World) -> None:
    sme_id = fresh_sme(world)
    assert move(world, sme_id, "shortlisted").status_code == 200
    state = world.get(f"{V1}/leads/{sme_id}/{P}").json()
    listed = world.get(f"{V1}/leads", params={"sme_id": sme_id}).json()["items"]
    feedback = world.put(
        f"{V1}/smes/sme-atsuke/feedback/{P}", "sme_self", json={"interesting": True}
    ).json()
    stamps = [state["updated_at"], state["history"][0]["at"], listed[0]["updated_at"]]
    for stamp in [*stamps, feedback["at"]]:
        assert datetime.fromisoformat(stamp).utcoffset() is not None, stamp
