"""The navigation bar, by role: each user sees only the entries of what they may do."""

from typing import Any

from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext as _

from tutela.accounts.access import grants_of, has_capability
from tutela.accounts.break_glass import break_glass_to_review_count, may_review_break_glass
from tutela.accounts.roles import Cap, Role
from tutela.court.selectors import court_deadlines_visible


def nav_items_for(request: HttpRequest) -> dict[str, Any]:
    user = request.user
    grants = grants_of(user)
    roles = {g.role for g in grants}
    items: list[tuple[str, str]] = [(_("Da fare"), reverse("worklists:home"))]
    if has_capability(user, Cap.REFERRAL_REGISTER_INDIRECT):
        items.append((_("Registra segnalazione"), reverse("intake:register_indirect")))
    if has_capability(user, Cap.REFERRAL_RECORD_DIRECT):
        items.append((_("Nuova istanza"), reverse("intake:record_direct")))
    if has_capability(user, Cap.CASE_VIEW):
        items.append((_("Pratiche"), reverse("cases:list")))
        items.append((_("Scadenze"), reverse("deadlines:calendar")))
    if has_capability(user, Cap.PROTOCOL_VIEW):
        items.append((_("Protocollo"), reverse("protocol:list")))
    if has_capability(user, Cap.EDUCATORS_ASSIGN):
        items.append((_("Servizi dell'ente"), reverse("provider:home")))
    if has_capability(user, Cap.CONTROL_WRITE):
        items.append((_("Controlli"), reverse("delivery:control_list")))
    if has_capability(user, Cap.INDICATORS_VIEW):
        items.append((_("Indicatori"), reverse("indicators:dashboard")))
    if has_capability(user, Cap.SURVEYS_MANAGE) or has_capability(user, Cap.INTERVENTION_MANAGE):
        items.append((_("Questionari"), reverse("surveys:home")))
    if has_capability(user, Cap.CATALOGUE_MANAGE):
        items.append((_("Catalogo ed enti"), reverse("catalogue:home")))
    if has_capability(user, Cap.COSTS_VIEW):
        items.append((_("Costi"), reverse("costs:report")))
    if has_capability(user, Cap.CASE_VIEW):  # L. 184/1983 art. 2: every professional declares their own ties
        items.append((_("Rapporti dichiarati"), reverse("catalogue:my_declarations")))
    if has_capability(user, Cap.RETURNS_VIEW):
        items.append((_("Debiti informativi"), reverse("returns:home")))
    if has_capability(user, Cap.MEETING_VIEW):
        items.append((_("Riunioni"), reverse("meetings:list")))
    if has_capability(user, Cap.VISIT_MANAGE) or has_capability(user, Cap.ROOM_MANAGE):
        items.append((_("Incontri protetti"), reverse("meetings:room_agenda")))
    if has_capability(user, Cap.NETWORK_VIEW):
        items.append((_("Rete antiviolenza"), reverse("meetings:network")))
    if Role.PRIVACY_OFFICER in roles:
        items.append((_("Registro accessi"), reverse("audit:home")))
    if court_deadlines_visible(user):
        items.append((_("Scadenze giudiziarie"), reverse("court:deadlines")))
    if has_capability(user, Cap.BREAK_GLASS):
        items.append((_("Accesso di emergenza"), reverse("accounts:break_glass")))
    if may_review_break_glass(user):
        to_review = break_glass_to_review_count(user)
        label = _("Accessi di emergenza da verificare (%(count)d)") % {"count": to_review}
        items.append((label, reverse("accounts:break_glass_reviews")))
    if Role.SYSADMIN in roles or user.is_superuser:
        items.append((_("Amministrazione"), reverse("admin:index")))
    path = request.path
    nav = [
        {"label": label, "url": url, "active": path == url or (url != "/" and path.startswith(url))}
        for label, url in items
    ]
    role_labels = sorted({Role(g.role).label for g in grants})
    org_names = {g.organisation_id for g in grants}
    return {
        "nav_items": nav,
        "current_role_label": ", ".join(str(r) for r in role_labels),
        "site_org_name": _site_name(user, org_names),
    }


def _site_name(user: Any, org_ids: set[int]) -> str:
    membership = user.memberships.select_related("organisation__territory").filter(active=True).first()
    if membership and membership.organisation.territory:
        return membership.organisation.territory.name
    return "Tutela Minori"
