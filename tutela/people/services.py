from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from tutela.accounts.models import Municipality
from tutela.audit.services import audit_record
from tutela.people.models import Person, Relationship
from tutela.people.search import search_key
from tutela.people.validation import fiscal_code_decode, fiscal_code_normalise, fiscal_code_validate


@dataclass(frozen=True)
class PersonData:
    surname: str
    given_name: str
    birth_date: dt.date | None = None
    fiscal_code: str = ""
    sex: str = ""
    birth_place: Municipality | None = None
    birth_country: str = ""
    citizenship: str = ""
    residence_municipality: Municipality | None = None
    residence_address: str = ""
    phone: str = ""


def person_data_validate(data: PersonData, *, minor: bool = False) -> None:
    """Field-level checks shared by every form that creates a person."""
    errors: dict[str, str] = {}
    if not data.surname.strip():
        errors["surname"] = _("Il cognome è obbligatorio.")
    if not data.given_name.strip():
        errors["given_name"] = _("Il nome è obbligatorio.")
    if data.birth_date and data.birth_date > timezone.localdate():
        errors["birth_date"] = _("La data di nascita non può essere nel futuro.")
    if minor and data.birth_date and _age(data.birth_date, timezone.localdate()) >= 18:
        errors["birth_date"] = _("La persona segnalata deve essere minorenne.")
    if minor and not data.fiscal_code and not data.birth_date:
        errors["birth_date"] = _("Senza codice fiscale la data di nascita è obbligatoria.")
    if errors:
        raise ValidationError(errors)
    if data.fiscal_code:
        fiscal_code_validate(
            data.fiscal_code,
            surname=data.surname,
            given_name=data.given_name,
            birth_date=data.birth_date,
            sex=data.sex,
        )


def _age(birth: dt.date, today: dt.date) -> int:
    return today.year - birth.year - ((today.month, today.day) < (birth.month, birth.day))


def person_find(
    *, fiscal_code: str = "", surname: str = "", given_name: str = "", birth_date: dt.date | None = None
) -> Person | None:
    """Search before create: the codice fiscale first, then surname + name + birth date."""
    if fiscal_code:
        found = Person.objects.filter(fiscal_code=fiscal_code_normalise(fiscal_code)).first()
        if found is not None:
            return found
    if surname and given_name and birth_date:
        candidates = Person.objects.filter(
            surname__iexact=surname.strip(), given_name__iexact=given_name.strip(), birth_date=birth_date
        )
        if fiscal_code:
            # A homonym born the same day with another codice fiscale is another person.
            candidates = candidates.filter(Q(fiscal_code__isnull=True) | Q(fiscal_code=""))
        return candidates.order_by("pk").first()
    return None


def _with_fiscal_code_data(data: PersonData) -> PersonData:
    """Take birth date and sex from a valid codice fiscale when they were not typed."""
    if not data.fiscal_code or (data.birth_date and data.sex):
        return data
    decoded = fiscal_code_decode(data.fiscal_code)
    if decoded is None:
        return data
    return replace(data, birth_date=data.birth_date or decoded[0], sex=data.sex or decoded[1])


def person_resolve(*, data: PersonData, actor: Any, minor: bool = False) -> tuple[Person, bool]:
    """Return the existing person matching the data, or create one; never a duplicate."""
    data = _with_fiscal_code_data(data)
    person_data_validate(data, minor=minor)
    code = fiscal_code_normalise(data.fiscal_code) if data.fiscal_code else ""
    with transaction.atomic():
        existing = person_find(
            fiscal_code=code, surname=data.surname, given_name=data.given_name, birth_date=data.birth_date
        )
        if existing is not None:
            _complete_missing(existing, data, code, actor)
            return existing, False
        person = Person.objects.create(
            surname=data.surname.strip(),
            given_name=data.given_name.strip(),
            surname_key=search_key(data.surname),
            given_name_key=search_key(data.given_name),
            fiscal_code=code or None,
            birth_date=data.birth_date,
            birth_place=data.birth_place,
            birth_country=data.birth_country,
            sex=data.sex,
            citizenship=data.citizenship or "Italiana",
            residence_municipality=data.residence_municipality,
            residence_address=data.residence_address,
            phone=data.phone,
        )
        audit_record(actor=actor, action="people.person.created", obj=person)
    return person, True


def _complete_missing(person: Person, data: PersonData, code: str, actor: Any) -> None:
    """Fill what the existing record lacks; never overwrite what somebody already recorded."""
    changed: list[str] = []
    if code and not person.fiscal_code:
        if person.birth_date and data.birth_date and person.birth_date != data.birth_date:
            raise ValidationError(
                {"fiscal_code": _("Il codice fiscale non corrisponde alla persona già registrata.")}
            )
        person.fiscal_code = code
        changed.append("fiscal_code")
    for field in ("birth_date", "sex", "birth_place", "residence_municipality", "residence_address"):
        if not getattr(person, field) and getattr(data, field):
            setattr(person, field, getattr(data, field))
            changed.append(field)
    if changed:
        person.save(update_fields=changed)
        audit_record(actor=actor, action="people.person.completed", obj=person, data={"fields": changed})


def relationship_add(
    *, child: Person, relative_data: PersonData, kind: str, cohabiting: bool, actor: Any, case: Any
) -> Relationship:
    """Record a family member of the child (search before create for the relative too)."""
    with transaction.atomic():
        relative, _created = person_resolve(data=relative_data, actor=actor)
        if relative.pk == child.pk:
            raise ValidationError(_("Un familiare non può essere il minore stesso."))
        if Relationship.objects.filter(child=child, relative=relative, kind=kind).exists():
            raise ValidationError(_("Questa relazione familiare è già registrata."))
        relationship = Relationship.objects.create(
            child=child, relative=relative, kind=kind, cohabiting=cohabiting
        )
        audit_record(actor=actor, action="people.relationship.created", obj=relationship, case_id=case.pk)
    return relationship
