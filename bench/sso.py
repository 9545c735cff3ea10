"""Single sign-on and SCIM figures: the sign-in round trip through a real OpenID Connect provider on
loopback, and how long a SCIM deactivation takes until the leaver's API token is refused.

It runs in a throw-away SQLite database (a temporary WORKBENCH_VAR_DIR) with oidc-provider-mock in a
second process, the way the tests do. A sign-in round trip is what a browser does: the workbench's
start page, the provider's authorization (one POST), and the callback, where the workbench fetches
the token, the provider's keys and userinfo, checks the ID token and updates the user. Not a test:
run it by hand.

    .venv/bin/python bench/sso.py [--sign-ins 50] [--deactivations 20] [--sessions 1000]

The last line holds the figures as key=value pairs.
"""

from __future__ import annotations

import argparse
import logging
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sign-ins", type=int, default=50)
    parser.add_argument("--deactivations", type=int, default=20)
    parser.add_argument(
        "--sessions", type=int, default=1000, help="other live sessions in the table"
    )
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="wb-bench-sso-") as var_dir:
        os.environ["WORKBENCH_VAR_DIR"] = var_dir
        os.environ["WORKBENCH_HTTPS"] = "0"
        os.environ["WORKBENCH_LOG_LEVEL"] = "error"
        for name in ("DATABASE_URL", "REDIS_URL"):
            os.environ.pop(name, None)
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "workbench.settings")
        sys.path.insert(0, str(ROOT))
        import django

        django.setup()
        from django.core.management import call_command

        call_command("migrate", verbosity=0)
        logging.disable(logging.WARNING)  # the 401s the benchmark provokes are expected
        run(args.sign_ins, args.deactivations, args.sessions, Path(var_dir))


def _ms(samples: list[float]) -> tuple[float, float]:
    ordered = sorted(samples)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return statistics.median(ordered) * 1000, p95 * 1000


def run(sign_ins: int, deactivations: int, sessions: int, var_dir: Path) -> None:
    from tests.sso.provider import provider_running

    with provider_running() as provider:
        sign_in_ms = _sign_ins(provider, sign_ins, var_dir)
    deactivate_ms, refused_ms = _deactivations(deactivations, sessions, var_dir)
    print(
        f"sign_ins={sign_ins} sign_in_median_ms={sign_in_ms[0]:.1f} "
        f"sign_in_p95_ms={sign_in_ms[1]:.1f} deactivations={deactivations} "
        f"other_sessions={sessions} scim_deactivate_median_ms={deactivate_ms[0]:.1f} "
        f"scim_deactivate_p95_ms={deactivate_ms[1]:.1f} "
        f"deactivate_to_token_refused_median_ms={refused_ms[0]:.1f} "
        f"deactivate_to_token_refused_p95_ms={refused_ms[1]:.1f}"
    )


def _sign_ins(provider: Any, count: int, var_dir: Path) -> tuple[float, float]:
    from django.conf import settings
    from django.test import Client

    from tests.sso.conftest import claims_for, sso_sign_in
    from workbench.accounts.models import Department
    from workbench.accounts.services import roles_sync

    roles_sync()
    Department.objects.get_or_create(code="growth", defaults={"name": "Growth Marketing"})
    secret = var_dir / "oidc-secret"
    secret.write_text("bench-secret")
    settings.OIDC_ISSUER = provider.issuer
    settings.OIDC_RP_CLIENT_ID = "workbench-bench"
    settings.OIDC_RP_CLIENT_SECRET_FILE = str(secret)
    for number in range(5):
        provider.set_user(f"sub-{number}", claims_for(f"person{number}"))
    sso_sign_in(Client(SERVER_NAME="localhost"), provider, "sub-0")  # warm-up: discovery cached
    samples = []
    for attempt in range(count):
        client = Client(SERVER_NAME="localhost")
        started = time.perf_counter()
        response = sso_sign_in(client, provider, f"sub-{attempt % 5}")
        samples.append(time.perf_counter() - started)
        assert response.status_code == 302, response.content[:300]
    return _ms(samples)


def _deactivations(count: int, sessions: int, var_dir: Path) -> tuple[tuple[float, float], ...]:
    import json

    from django.conf import settings
    from django.contrib.sessions.backends.db import SessionStore
    from django.test import Client

    from tests.scim.conftest import user_body
    from workbench.accounts.services import api_token_create

    token_file = var_dir / "scim-token"
    token_file.write_text("bench-scim-token")
    settings.SCIM_TOKEN_FILE = str(token_file)
    for number in range(sessions):
        store = SessionStore()
        store["_auth_user_id"] = str(100_000 + number)
        store.create()
    scim = Client(SERVER_NAME="localhost", headers={"Authorization": "Bearer bench-scim-token"})
    deactivate, refused = [], []
    patch = json.dumps(
        {
            "schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
            "Operations": [{"op": "replace", "value": {"active": False}}],
        }
    )
    for number in range(count):
        body = json.dumps(user_body(f"leaver{number}"))
        user_id = scim.post("/scim/v2/Users", body, content_type="application/scim+json").json()[
            "id"
        ]
        from workbench.accounts.models import User

        key = api_token_create(
            user=User.objects.get(pk=user_id), name="job", expires_in_days=30
        ).key
        api = Client(SERVER_NAME="localhost", headers={"Authorization": f"Token {key}"})
        assert api.get("/api/me/").status_code == 200
        started = time.perf_counter()
        scim.patch(f"/scim/v2/Users/{user_id}", patch, content_type="application/scim+json")
        deactivate.append(time.perf_counter() - started)
        while api.get("/api/me/").status_code != 401:
            pass
        refused.append(time.perf_counter() - started)
    return _ms(deactivate), _ms(refused)


if __name__ == "__main__":
    main()
