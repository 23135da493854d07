"""The provider simulator, seen as a client sees it: real HTTP on 127.0.0.1, API v2 shapes, orders on
its own clock, and every fault it injects."""

import json
import os
import socket
import subprocess
import sys
import threading
import time
from decimal import Decimal
from pathlib import Path

import httpx
import pytest

from snshelper.providers.simulator import CATALOGUE, FAULTS, ProviderSimulator, SimulatorConfigError

KEY = "sim-key"
FINISHED = {"Completed", "Partial", "Canceled"}
ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def sim():
    with ProviderSimulator(port=0, key=KEY, seed=1, hang_seconds=0.6) as simulator:
        yield simulator


@pytest.fixture
def steady():
    """A provider whose orders all complete (for refills and drip-feed runs)."""
    with ProviderSimulator(port=0, key=KEY, seed=2, partial_share=0, canceled_share=0) as simulator:
        yield simulator


@pytest.fixture
def http():
    with httpx.Client(timeout=0.3) as client:
        yield client


def call(http, sim, action, **params):
    response = http.post(sim.url, data={"key": KEY, "action": action, **params})
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json"
    return response.json()


def add(http, sim, service="101", quantity="100", **params):
    return call(
        http,
        sim,
        "add",
        service=service,
        link="https://www.instagram.com/p/Abc/",
        quantity=quantity,
        **params,
    )


def balance(http, sim) -> Decimal:
    return Decimal(call(http, sim, "balance")["balance"])


# --- actions and shapes --------------------------------------------------------------------------


def test_services_list_a_realistic_catalogue_in_the_fields_shape(sim, http):
    services = call(http, sim, "services")

    assert len(services) == 12
    assert {row["type"] for row in services} == {"Default", "Custom Comments", "Package", "Poll", "Mentions"}
    for platform in ("Instagram", "TikTok", "Facebook", "YouTube"):
        assert any(row["name"].startswith(platform) for row in services)
    for row in services:
        assert isinstance(row["service"], int) and row["name"] and row["category"]
        assert isinstance(row["rate"], str) and Decimal(row["rate"]) > 0
        assert row["min"].isdigit() and row["max"].isdigit() and int(row["min"]) <= int(row["max"])
        assert all(isinstance(row[flag], bool) for flag in ("refill", "cancel", "dripfeed"))
    assert any("desc" in row for row in services) and any("desc" not in row for row in services)
    assert any(row["refill"] for row in services) and any(row["dripfeed"] for row in services)


def test_rates_are_in_the_configured_currency(http):
    with ProviderSimulator(key=KEY, currency="THB") as thb, ProviderSimulator(key=KEY) as usd:
        in_baht = {row["service"]: Decimal(row["rate"]) for row in call(http, thb, "services")}
        in_dollars = {row["service"]: Decimal(row["rate"]) for row in call(http, usd, "services")}
        assert call(http, thb, "balance")["currency"] == "THB"
    assert in_baht[101] == in_dollars[101] * 35


def test_add_answers_an_order_id_and_debits_quantity_times_rate(sim, http):
    before = balance(http, sim)

    answer = add(http, sim, service="101", quantity="200")

    assert set(answer) == {"order"} and isinstance(answer["order"], int)
    assert balance(http, sim) == before - Decimal("0.95") * 200 / 1000
    status = call(http, sim, "status", order=str(answer["order"]))
    assert status == {
        "charge": "0.19000",
        "start_count": "0",
        "status": "Pending",
        "remains": "200",
        "currency": "USD",
    }


@pytest.mark.parametrize(
    "params, error",
    [
        ({"key": "wrong"}, "Invalid API key"),
        ({"action": "refund"}, "Incorrect request"),
        ({"service": "999"}, "Incorrect service ID"),
        ({"link": "  "}, "Incorrect link"),
        ({"quantity": "49"}, "Quantity less than minimal"),
        ({"quantity": "20001"}, "Quantity more than maximal"),
        ({"quantity": "many"}, "Incorrect quantity"),
        ({"runs": "3", "interval": "10"}, "Drip-feed is not available for this service"),
        ({"service": "102", "runs": "1", "interval": "10"}, "Incorrect runs"),
        ({"service": "102", "runs": "3"}, "Incorrect interval"),
        ({"service": "104", "comments": "one\ntwo\n\nthree"}, "Quantity less than minimal"),
        ({"service": "104", "comments": ""}, "Incorrect comments"),
        ({"service": "105", "quantity": "100"}, "Incorrect usernames"),
        ({"service": "302", "quantity": "100"}, "Incorrect answer number"),
    ],
)
def test_add_refuses_like_a_panel_and_charges_nothing(sim, http, params, error):
    before = balance(http, sim)
    data = {"key": KEY, "action": "add", "service": "101", "link": "https://x.test/p/1", "quantity": "100"}

    answer = http.post(sim.url, data={**data, **params}).json()

    assert answer == {"error": error}
    assert balance(http, sim) == before and sim.orders_created() == []


def test_other_kinds_take_their_own_fields(sim, http):
    before = balance(http, sim)
    comments = add(http, sim, service="104", quantity="", comments="Nice!\nLove it\nWow\nGreat\nSo good")
    package = add(http, sim, service="203", quantity="")
    mentions = add(http, sim, service="105", quantity="", usernames="\n".join(f"user{n}" for n in range(150)))
    poll = add(http, sim, service="302", quantity="60", answer_number="2")

    assert all("order" in answer for answer in (comments, package, mentions, poll))
    assert sim.order(comments["order"])["quantity"] == 5  # one comment a line
    assert sim.order(mentions["order"])["quantity"] == 150
    spent = Decimal("8.00") * 5 / 1000 + Decimal("6.90") + Decimal("4.50") * 150 / 1000 + Decimal("0.12")
    assert balance(http, sim) == before - spent


def test_an_add_beyond_the_balance_is_refused_and_nothing_is_made(sim, http):
    sim.set_balance("0.05")

    assert add(http, sim, quantity="100") == {"error": "Not enough funds on balance"}
    assert sim.orders_created() == [] and balance(http, sim) == Decimal("0.05")


def test_drip_feed_charges_every_run_and_reports_runs_and_their_orders(steady, http):
    answer = add(http, steady, service="102", quantity="100", runs="3", interval="10")
    order_id = str(answer["order"])
    assert balance(http, steady) == Decimal("100000") - Decimal("0.12") * 3 * 100 / 1000

    first = call(http, steady, "status", order=order_id)
    assert (first["status"], first["remains"], first["runs"], first["orders"]) == ("Pending", "300", "0", [])

    steady.advance(300 + 10 * 60 + 1)  # past the start and the first run
    running = call(http, steady, "status", order=order_id)
    assert running["status"] == "In progress" and running["runs"] == "1" and running["remains"] == "200"
    child = call(http, steady, "status", order=str(running["orders"][0]))
    assert (child["status"], child["remains"]) == ("Completed", "0")

    steady.advance(30 * 60)
    done = call(http, steady, "status", order=order_id)
    assert (done["status"], done["remains"], done["runs"], len(done["orders"])) == ("Completed", "0", "3", 3)


def test_a_repeated_add_with_the_same_idempotency_key_is_the_same_order_charged_once(sim, http):
    first = add(http, sim, idempotency_key="order:41")
    after_first = balance(http, sim)

    again = add(http, sim, idempotency_key="order:41")

    assert again == first
    assert balance(http, sim) == after_first
    assert len(sim.orders_created()) == 1 and len(sim.received_adds()) == 2
    assert sim.orders_by_key() == {"order:41": [first["order"]]} and sim.duplicates() == {}


def test_a_provider_that_ignores_idempotency_keys_orders_twice(http):
    with ProviderSimulator(key=KEY, honor_idempotency=False) as careless:
        first, again = (
            add(http, careless, idempotency_key="order:41"),
            add(http, careless, idempotency_key="order:41"),
        )

        assert first != again
        assert careless.duplicates() == {"order:41": [first["order"], again["order"]]}


def test_orders_move_on_with_the_simulator_clock_and_a_seeded_share_ends_short(sim, http):
    ids = [str(add(http, sim, quantity="1000")["order"]) for _ in range(200)]
    statuses = call(http, sim, "status", orders=",".join(ids[:100]))
    assert {row["status"] for row in statuses.values()} == {"Pending"}

    sim.advance(301)  # every order has started
    started = {row["status"] for row in call(http, sim, "status", orders=",".join(ids[:100])).values()}
    assert {"In progress", "Processing"} <= started <= {"In progress", "Processing", "Canceled"}

    sim.advance(3600)  # every order has finished
    final = [sim.order(order_id) for order_id in ids]
    by_status = {status: [o for o in final if o["status"] == status] for status in FINISHED}
    assert len(by_status["Completed"]) > 150 and by_status["Partial"] and by_status["Canceled"]
    assert all(o["remains"] == 0 for o in by_status["Completed"])
    assert all(0 < o["remains"] < 1000 for o in by_status["Partial"])
    assert all(o["remains"] == 1000 and Decimal(o["charge"]) == 0 for o in by_status["Canceled"])
    # What was not delivered went back to its balance: it holds exactly what the orders still cost.
    assert balance(http, sim) == Decimal("100000") - sum(Decimal(o["charge"]) for o in final)


def test_status_of_many_answers_each_id_by_itself(sim, http):
    order_id = str(add(http, sim)["order"])

    answer = call(http, sim, "status", orders=f"{order_id}, 12")

    assert set(answer) == {order_id, "12"}
    assert answer[order_id]["status"] == "Pending"
    assert answer["12"] == {"error": "Incorrect order ID"}
    assert call(http, sim, "status", order="12") == {"error": "Incorrect order ID"}
    assert call(http, sim, "status", orders=",".join(["1"] * 101)) == {"error": "Incorrect request"}
    assert sim.status_batch_sizes() == [2]


def test_refill_and_refill_status_single_and_multiple(steady, http):
    refillable = str(add(http, steady, service="101")["order"])
    without = str(add(http, steady, service="402", quantity="100")["order"])
    assert call(http, steady, "refill", order=refillable) == {"error": "Refill not available"}  # not done yet
    steady.advance(4000)

    single = call(http, steady, "refill", order=refillable)
    assert set(single) == {"refill"} and single["refill"].isdigit()
    assert call(http, steady, "refill_status", refill=single["refill"]) == {"status": "Pending"}
    many = call(http, steady, "refill", orders=f"{without},77")
    assert many == [
        {"order": int(without), "refill": {"error": "Refill not available"}},
        {"order": 77, "refill": {"error": "Incorrect order ID"}},
    ]

    steady.advance(4000)
    statuses = call(http, steady, "refill_status", refills=f"{single['refill']},5")
    assert statuses[0]["refill"] == int(single["refill"]) and statuses[0]["status"] in {
        "Completed",
        "Rejected",
    }
    assert statuses[1] == {"refill": 5, "status": {"error": "Refill not found"}}


def test_cancel_stops_an_unfinished_order_and_returns_its_charge(sim, http):
    cancelable = str(add(http, sim, service="101")["order"])
    not_cancelable = str(add(http, sim, service="402", quantity="100")["order"])
    before = balance(http, sim)

    answer = call(http, sim, "cancel", orders=f"{cancelable},{not_cancelable},5")

    assert answer == [
        {"order": int(cancelable), "cancel": 1},
        {"order": int(not_cancelable), "cancel": {"error": "Cancel not available"}},
        {"order": 5, "cancel": {"error": "Incorrect order ID"}},
    ]
    status = call(http, sim, "status", order=cancelable)
    assert (status["status"], status["remains"], status["charge"]) == ("Canceled", "100", "0.00000")
    assert balance(http, sim) == before + Decimal("0.095")
    assert call(http, sim, "cancel", orders=cancelable) == [
        {"order": int(cancelable), "cancel": {"error": "Cancel not available"}}
    ]


def test_json_and_multipart_bodies_and_api_token_are_understood(sim, http):
    as_json = http.post(
        sim.url,
        json={"api_token": KEY, "action": "add", "service": 101, "link": "https://x.test/j", "quantity": 50},
    ).json()
    as_multipart = http.post(
        sim.url,
        data={"key": KEY, "action": "add", "service": "101", "link": "https://x.test/m", "quantity": "50"},
        files={"unused": ("a.txt", b"x")},
    ).json()

    assert "order" in as_json and "order" in as_multipart
    assert sim.received_adds()[0]["quantity"] == 50  # kept exactly as sent: a JSON number
    assert sim.received_adds()[1]["link"] == "https://x.test/m"


def test_keep_alive_reuses_one_connection_for_many_adds(sim):
    started = time.monotonic()
    with httpx.Client(timeout=5) as client:
        for n in range(500):
            client.post(
                sim.url,
                data={
                    "key": KEY,
                    "action": "add",
                    "service": "201",
                    "link": f"https://x.test/{n}",
                    "quantity": "500",
                },
            )
    elapsed = time.monotonic() - started

    assert len(sim.orders_created()) == 500
    assert sim.snapshot(lists=False)["connections_opened"] == 1
    assert elapsed < 10  # about 0.3 s on a quiet machine: no per-request delay


# --- faults, as a client meets them ------------------------------------------------------------


def test_timeout_hangs_past_the_clients_patience_and_does_nothing(sim, http):
    sim.force("timeout")

    with pytest.raises(httpx.ReadTimeout):
        add(http, sim)

    assert sim.orders_created() == [] and sim.faults_injected()["timeout"] == 1
    assert "order" in add(http, sim)  # one-shot: the next call is answered


def test_a_5xx_answers_an_html_page_and_does_nothing(sim, http):
    sim.force("http_5xx")

    response = http.post(
        sim.url, data={"key": KEY, "action": "add", "service": "101", "link": "x", "quantity": "50"}
    )

    assert response.status_code in {500, 502, 503}
    assert response.headers["content-type"].startswith("text/html") and "<html>" in response.text
    assert sim.orders_created() == []


@pytest.mark.parametrize("fault, kind", [("html", "text/html"), ("malformed", "application/json")])
def test_an_unreadable_200_answer_does_nothing(sim, http, fault, kind):
    sim.force(fault)

    response = http.post(
        sim.url, data={"key": KEY, "action": "add", "service": "101", "link": "x", "quantity": "50"}
    )

    assert response.status_code == 200 and response.headers["content-type"].startswith(kind)
    with pytest.raises(ValueError):
        json.loads(response.content)
    assert sim.orders_created() == []


def test_an_error_answer_does_nothing(sim, http):
    sim.force("error")

    answer = add(http, sim)

    assert set(answer) == {"error"} and answer["error"]
    assert sim.orders_created() == [] and balance(http, sim) == Decimal("100000")


def test_lost_add_makes_the_order_and_drops_the_connection(sim, http):
    sim.force("lost_add")

    with pytest.raises(httpx.RemoteProtocolError):
        add(http, sim, idempotency_key="order:7")

    [order] = sim.orders_created()
    assert (
        order["idempotency_key"] == "order:7"
        and order["params"]["link"] == "https://www.instagram.com/p/Abc/"
    )
    assert add(http, sim, idempotency_key="order:7") == {"order": order["id"]}  # the retry finds it


def test_slow_add_makes_the_order_and_answers_after_the_client_gave_up(sim, http):
    sim.force("slow_add")

    with pytest.raises(httpx.ReadTimeout):
        add(http, sim)

    assert len(sim.orders_created()) == 1 and sim.faults_injected()["slow_add"] == 1


def test_unknown_order_forgets_some_known_ids_in_one_status_answer(sim, http):
    ids = [str(add(http, sim)["order"]) for _ in range(10)]
    sim.force("unknown_order")

    forgetful = call(http, sim, "status", orders=",".join(ids))
    forgotten = [i for i in ids if forgetful[i] == {"error": "Incorrect order ID"}]

    assert 1 <= len(forgotten) < 10
    assert sim.faults_injected()["unknown_order"] == len(forgotten)
    assert all("status" in row for row in call(http, sim, "status", orders=",".join(ids)).values())


def test_price_change_moves_rates_drops_one_service_and_adds_one_for_good(sim, http):
    before = {row["service"]: row["rate"] for row in call(http, sim, "services")}
    sim.force("price_change")

    after = {row["service"]: row["rate"] for row in call(http, sim, "services")}

    assert len(before.keys() - after.keys()) == 1 and len(after.keys() - before.keys()) == 1
    assert any(after[s] != before[s] for s in before.keys() & after.keys())
    assert {row["service"]: row["rate"] for row in call(http, sim, "services")} == after


def test_faults_can_be_scoped_to_actions(sim, http):
    sim.force("timeout@status")
    order_id = str(add(http, sim)["order"])  # the add is not the one that hangs
    with pytest.raises(httpx.ReadTimeout):
        call(http, sim, "status", order=order_id)

    sim.set_faults({"error": 1.0}, actions=["add"])
    assert isinstance(call(http, sim, "services"), list)
    assert set(add(http, sim)) == {"error"}


def test_random_faults_follow_the_seed(http):
    def faults_met(seed):
        with ProviderSimulator(key=KEY, seed=seed, faults={"error": 0.3, "html": 0.3}) as simulator:
            met = []
            for _ in range(40):
                response = http.post(simulator.url, data={"key": KEY, "action": "balance"})
                met.append(
                    "html" if "html" in response.headers["content-type"] else "error" in response.json()
                )
            return met, simulator.faults_injected()

    first, counts = faults_met(5)
    assert faults_met(5) == (first, counts)
    assert counts["error"] and counts["html"] and len(set(map(str, first))) == 3
    assert faults_met(6)[0] != first


def test_unknown_faults_and_impossible_scopes_are_refused():
    with ProviderSimulator(key=KEY) as simulator:
        with pytest.raises(SimulatorConfigError):
            simulator.force("meteor")
        with pytest.raises(SimulatorConfigError):
            simulator.set_faults({"lost_add": 0.1}, actions=["status"])
        with pytest.raises(SimulatorConfigError):
            simulator.set_faults({"timeout": 2})
        assert set(FAULTS) >= {"timeout", "lost_add", "price_change"}


def test_quirks_spell_cancelled_lowercase_send_numbers_and_wrap_success(http):
    quirks = {"cancelled_spelling", "lowercase_status", "numbers_as_numbers", "success_wrapper"}
    with ProviderSimulator(key=KEY, quirks=quirks) as quirky:
        order = http.post(
            quirky.url, data={"key": KEY, "action": "add", "service": "101", "link": "x", "quantity": "100"}
        ).json()
        assert set(order) == {"success"}
        order_id = str(order["success"]["order"])
        http.post(quirky.url, data={"key": KEY, "action": "cancel", "orders": order_id})

        status = http.post(quirky.url, data={"key": KEY, "action": "status", "order": order_id}).json()[
            "success"
        ]

        assert status["status"] == "cancelled" and status["remains"] == 100 and status["charge"] == 0
        assert http.post(quirky.url, data={"key": "no", "action": "balance"}).json() == {
            "error": "Invalid API key"
        }


# --- the control endpoint and stopping ----------------------------------------------------------


def test_control_needs_the_key_and_shows_every_order_as_sent(sim, http):
    add(http, sim, idempotency_key="order:1", note="kept as sent")

    assert http.get(sim.control_url).status_code == 403
    state = http.get(sim.control_url, params={"key": KEY}).json()

    assert state["adds_received"] == state["orders_created"] == 1
    assert state["orders"][0]["params"] == {
        "key": KEY,
        "action": "add",
        "service": "101",
        "link": "https://www.instagram.com/p/Abc/",
        "quantity": "100",
        "idempotency_key": "order:1",
        "note": "kept as sent",
    }
    assert state["orders_by_key"] == {"order:1": [state["orders"][0]["id"]]} and state["duplicates"] == {}


def test_control_sets_faults_forces_advances_and_sets_the_balance(sim, http):
    order_id = str(add(http, sim)["order"])

    state = http.post(
        sim.control_url,
        json={
            "key": KEY,
            "faults": {"html": {"probability": 0.5, "actions": ["status"]}},
            "force": ["error@balance"],
            "advance": 4000,
            "balance": "12.5",
            "change_prices": True,
        },
    ).json()

    assert state["faults"] == {"html": {"probability": 0.5, "actions": ["status"]}}
    assert state["forced"] == ["error@balance"] and state["balance"] == "12.50000"
    assert sim.order(order_id)["status"] in FINISHED
    assert len(state["services"]) == 12 and state["services"] != [str(row[0]) for row in CATALOGUE]
    assert set(call(http, sim, "balance")) == {"error"}


def test_a_bad_control_command_changes_nothing(sim, http):
    response = http.post(sim.control_url, json={"key": KEY, "balance": "5", "faults": {"meteor": 0.5}})

    assert response.status_code == 400 and "meteor" in response.json()["error"]
    assert balance(http, sim) == Decimal("100000") and sim.snapshot(lists=False)["faults"] == {}
    assert http.post(sim.control_url, json={"key": "wrong", "balance": "5"}).status_code == 403


def test_stop_ends_a_hanging_answer_and_frees_the_port():
    simulator = ProviderSimulator(key=KEY, hang_seconds=30).start()
    simulator.force("timeout")
    outcome = []

    def wait_for_answer():
        try:
            httpx.post(simulator.url, data={"key": KEY, "action": "balance"}, timeout=20)
        except httpx.HTTPError as error:
            outcome.append(type(error))

    waiting = threading.Thread(target=wait_for_answer)
    waiting.start()
    time.sleep(0.2)
    started = time.monotonic()
    simulator.stop()
    waiting.join(timeout=5)

    assert not waiting.is_alive() and time.monotonic() - started < 5
    # The connection is closed under the waiting client: a closed answer, or a reset when the stop
    # came before the request was read (a loaded machine).
    assert outcome in ([httpx.RemoteProtocolError], [httpx.ReadError])
    with socket.socket() as again:
        again.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        again.bind(("127.0.0.1", simulator.port))


# --- the command ---------------------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_the_command_serves_until_stopped(http):
    port = _free_port()
    command = [sys.executable, "manage.py", "provider_simulator", "--port", str(port), "--key", "cmd-key"]
    process = subprocess.Popen(  # noqa: S603 - our own manage.py
        [*command, "--currency", "THB", "--faults", '{"timeout": 0}'],
        cwd=ROOT,
        env=os.environ.copy(),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        printed = [process.stdout.readline() for _ in range(2)]  # what an operator copies
        assert printed == [
            f"Provider simulator (API v2) at http://127.0.0.1:{port}/api/v2\n",
            "Key: cmd-key\n",
        ]
        answer = http.post(
            f"http://127.0.0.1:{port}/api/v2", data={"key": "cmd-key", "action": "balance"}
        ).json()
        assert answer == {"balance": "100000.00000", "currency": "THB"}
    finally:
        process.terminate()
        out, err = process.communicate(timeout=10)
    assert process.returncode == 0, err
    assert "stopped" in out


def test_the_command_refuses_a_bad_fault_setting():
    finished = subprocess.run(  # noqa: S603 - our own manage.py
        [sys.executable, "manage.py", "provider_simulator", "--port", "0", "--faults", '{"meteor": 1}'],
        cwd=ROOT,
        env=os.environ.copy(),
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert finished.returncode != 0 and "unknown fault 'meteor'" in finished.stderr
