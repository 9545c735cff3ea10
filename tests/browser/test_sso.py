"""Single sign-on in a real browser: the workbench's sign-in page, the provider's page, and back."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from playwright.sync_api import Page, expect

from tests.browser.accessibility import assert_no_serious_axe_violations
from tests.factories import DepartmentFactory
from tests.sso.conftest import claims_for, oidc_provider, sso_configure  # noqa: F401 (fixtures)
from tests.sso.provider import Provider
from workbench.accounts.models import User
from workbench.accounts.roles import Role
from workbench.sso.models import GroupRoleMapping, SsoIdentity


def _through_the_provider(page: Page, live_server: Any, provider: Provider, sub: str) -> None:
    # The test provider's own page links a stylesheet on a CDN and has no favicon; this machine
    # is offline, so answer those two for it (the workbench's pages stay under the error check).
    page.route(
        "https://cdn.jsdelivr.net/**", lambda route: route.fulfill(body="", content_type="text/css")
    )
    page.route(f"{provider.issuer}/favicon.ico", lambda route: route.fulfill(status=204))
    page.goto(f"{live_server.url}/catalog/")
    expect(page.get_by_test_id("login-next")).to_be_visible()
    assert_no_serious_axe_violations(page)
    page.get_by_role("link", name="Sign in with Test IdP").click()
    page.wait_for_url(f"{provider.issuer}/oauth2/authorize?*")
    page.get_by_placeholder("sub").fill(sub)
    page.get_by_role("button", name="Authorize").click()


def test_a_person_signs_in_with_the_company_account(
    page: Page,
    live_server: Any,
    roles: None,
    oidc_provider: Provider,  # noqa: F811
    sso_configure: Callable[[str], None],  # noqa: F811
) -> None:
    DepartmentFactory(name="Growth Marketing", code="growth")
    # A live-server test may start from an emptied database: the default mapping is added back.
    GroupRoleMapping.objects.update_or_create(
        group="workbench-business-users", defaults={"role": Role.BUSINESS_USER.value}
    )
    sso_configure(oidc_provider.issuer)
    oidc_provider.set_user("sub-bea", claims_for("bea", given_name="Bea", family_name="Fischer"))

    _through_the_provider(page, live_server, oidc_provider, "sub-bea")

    page.wait_for_url(f"{live_server.url}/catalog/")
    expect(page.get_by_role("navigation").first).to_contain_text("Bea Fischer")
    user = User.objects.get(username="bea")
    assert list(user.groups.values_list("name", flat=True)) == [Role.BUSINESS_USER.value]
    assert SsoIdentity.objects.filter(user=user, subject="sub-bea").exists()


def test_an_unknown_department_is_refused_with_the_reason(
    page: Page,
    live_server: Any,
    roles: None,
    oidc_provider: Provider,  # noqa: F811
    sso_configure: Callable[[str], None],  # noqa: F811
) -> None:
    sso_configure(oidc_provider.issuer)
    oidc_provider.set_user("sub-cid", claims_for("cid", department="atlantis"))

    _through_the_provider(page, live_server, oidc_provider, "sub-cid")

    refusal = page.get_by_test_id("sso-refused")
    expect(refusal).to_contain_text("“atlantis” as your department")
    expect(page.get_by_role("link", name="Try signing in with Test IdP again")).to_be_visible()
    assert_no_serious_axe_violations(page)
    assert not User.objects.filter(username="cid").exists()
