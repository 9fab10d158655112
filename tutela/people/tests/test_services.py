"""Search before create: one Person per human being, completed but never overwritten."""

from __future__ import annotations

import datetime as dt

import pytest
from codicefiscale import codicefiscale
from django.core.exceptions import ValidationError
from django.utils import timezone

from tutela.audit.models import AuditEvent
from tutela.people.models import Person, Relationship
from tutela.people.services import PersonData, person_find, person_resolve, relationship_add
from tutela.people.validation import fiscal_code_normalise, fiscal_code_validate
from tutela.testing import factories

BIRTH = dt.date(2016, 5, 14)


def _cf(
    surname: str = "Conti",
    given_name: str = "Luca",
    birth: dt.date = BIRTH,
    sex: str = "M",
    place: str = "G999",
) -> str:
    return codicefiscale.encode(
        lastname=surname,
        firstname=given_name,
        gender=sex,
        birthdate=birth.strftime("%d/%m/%Y"),
        birthplace=place,
    )


def _data(**kwargs) -> PersonData:
    values = dict(surname="Conti", given_name="Luca", birth_date=BIRTH, sex="M")
    values.update(kwargs)
    return PersonData(**values)


def test_resolve_creates_once_then_finds_by_fiscal_code(demo, social_worker):
    person, created = person_resolve(data=_data(fiscal_code=_cf()), actor=social_worker, minor=True)
    assert created is True
    assert person.fiscal_code == _cf()
    assert AuditEvent.objects.filter(action="people.person.created", object_id=str(person.pk)).count() == 1

    code = _cf()
    spaced = f" {code[:6].lower()} {code[6:11]} {code[11:]} "
    again, created = person_resolve(data=_data(fiscal_code=spaced), actor=social_worker, minor=True)

    assert (again, created) == (person, False)
    assert Person.objects.count() == 1
    assert AuditEvent.objects.filter(action="people.person.created").count() == 1


def test_resolve_without_fiscal_code_matches_surname_name_and_birth_date(demo, social_worker):
    person, _ = person_resolve(data=_data(), actor=social_worker)
    again, created = person_resolve(data=_data(surname=" CONTI ", given_name="luca"), actor=social_worker)
    assert (again, created) == (person, False)
    other, created = person_resolve(data=_data(birth_date=BIRTH + dt.timedelta(days=1)), actor=social_worker)
    assert created is True
    assert other != person
    assert Person.objects.count() == 2


def test_complete_missing_fills_the_fiscal_code_and_what_else_is_missing(demo, social_worker):
    person, _ = person_resolve(data=_data(sex=""), actor=social_worker)
    assert person.fiscal_code is None

    again, created = person_resolve(
        data=_data(
            fiscal_code=_cf().lower(),
            residence_municipality=demo.municipalities["Vaiano"],
            residence_address="Via Vaiano 3",
        ),
        actor=social_worker,
    )

    assert (again, created) == (person, False)
    stored = Person.objects.get(pk=person.pk)
    assert stored.fiscal_code == _cf()
    assert stored.sex == "M"
    assert stored.residence_municipality == demo.municipalities["Vaiano"]
    assert stored.residence_address == "Via Vaiano 3"
    assert Person.objects.count() == 1


def test_complete_missing_never_overwrites(demo, social_worker):
    person, _ = person_resolve(
        data=_data(
            fiscal_code=_cf(),
            residence_municipality=demo.municipalities["Prato"],
            residence_address="Via Roma 1",
        ),
        actor=social_worker,
    )
    person_resolve(
        data=_data(
            fiscal_code=_cf(),
            residence_municipality=demo.municipalities["Vernio"],
            residence_address="Via Vernio 9",
        ),
        actor=social_worker,
    )
    stored = Person.objects.get(pk=person.pk)
    assert (stored.residence_municipality, stored.residence_address) == (
        demo.municipalities["Prato"],
        "Via Roma 1",
    )


def test_a_homonym_born_the_same_day_with_another_fiscal_code_is_another_person(demo, social_worker):
    """Same name and birth date, born in Firenze instead of Prato: the codice fiscale differs, so does the child."""
    prato, _ = person_resolve(data=_data(fiscal_code=_cf(place="G999")), actor=social_worker)

    firenze, created = person_resolve(data=_data(fiscal_code=_cf(place="D612")), actor=social_worker)

    assert created is True
    assert firenze != prato
    assert Person.objects.get(pk=prato.pk).fiscal_code == _cf(place="G999")
    assert firenze.fiscal_code == _cf(place="D612")


def test_a_homonym_without_fiscal_code_still_matches_the_recorded_person(demo, social_worker):
    recorded, _ = person_resolve(data=_data(fiscal_code=_cf()), actor=social_worker)
    assert person_find(surname="Conti", given_name="Luca", birth_date=BIRTH) == recorded


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        (_data(surname=""), "surname", "Il cognome è obbligatorio."),
        (_data(given_name=" "), "given_name", "Il nome è obbligatorio."),
        (
            _data(birth_date=dt.date(2100, 1, 1)),
            "birth_date",
            "La data di nascita non può essere nel futuro.",
        ),
        (_data(fiscal_code="CNTLCU16E14G99"), "fiscal_code", "Il codice fiscale non è valido."),
        (
            _data(fiscal_code=_cf(given_name="Marco")),
            "fiscal_code",
            "Il codice fiscale non corrisponde al nome indicato.",
        ),
        (
            _data(fiscal_code=_cf(sex="F")),
            "fiscal_code",
            "Il codice fiscale non corrisponde al sesso indicato.",
        ),
    ],
)
def test_invalid_person_data_creates_nothing(demo, social_worker, data, field, message):
    with pytest.raises(ValidationError) as excinfo:
        person_resolve(data=data, actor=social_worker)
    assert excinfo.value.message_dict == {field: [message]}
    assert Person.objects.count() == 0


def test_minors_only_when_asked(demo, social_worker):
    adult = _data(birth_date=timezone.localdate() - dt.timedelta(days=365 * 40), sex="")
    with pytest.raises(ValidationError) as excinfo:
        person_resolve(data=adult, actor=social_worker, minor=True)
    assert excinfo.value.message_dict == {"birth_date": ["La persona segnalata deve essere minorenne."]}
    _person, created = person_resolve(data=adult, actor=social_worker)
    assert created is True


def test_fiscal_code_helpers():
    assert fiscal_code_normalise(" cntlcu 16e14 g999x ") == "CNTLCU16E14G999X"
    assert fiscal_code_validate(_cf())["code"] == _cf()


def test_relationship_add_resolves_the_relative_and_refuses_duplicates(demo, social_worker):
    case = factories.in_care_case(demo)  # the factory adds the mother
    child = case.child
    mother = Relationship.objects.get(child=child, kind="mother").relative
    persons = Person.objects.count()
    mother_data = PersonData(
        surname=mother.surname, given_name=mother.given_name, birth_date=mother.birth_date
    )

    with pytest.raises(ValidationError) as excinfo:
        relationship_add(
            child=child,
            relative_data=mother_data,
            kind="mother",
            cohabiting=True,
            actor=social_worker,
            case=case,
        )
    assert excinfo.value.messages == ["Questa relazione familiare è già registrata."]

    with pytest.raises(ValidationError) as excinfo:
        relationship_add(
            child=child,
            relative_data=PersonData(
                surname=child.surname, given_name=child.given_name, birth_date=child.birth_date
            ),
            kind="sibling",
            cohabiting=True,
            actor=social_worker,
            case=case,
        )
    assert excinfo.value.messages == ["Un familiare non può essere il minore stesso."]
    assert Person.objects.count() == persons

    father = relationship_add(
        child=child,
        relative_data=PersonData(surname=child.surname, given_name="Paolo", birth_date=dt.date(1980, 2, 2)),
        kind="father",
        cohabiting=False,
        actor=social_worker,
        case=case,
    )
    assert father.relative.given_name == "Paolo"
    assert Person.objects.count() == persons + 1
    assert AuditEvent.objects.filter(action="people.relationship.created", case_id=case.pk).count() == 2


def test_birth_date_and_sex_come_from_the_codice_fiscale_when_not_typed(demo):
    person, created = person_resolve(
        data=PersonData(surname="Conti", given_name="Luca", fiscal_code=_cf()),
        actor=demo.users["protocollo"],
        minor=True,
    )
    assert created
    assert (person.birth_date, person.sex) == (BIRTH, "M")


def test_an_adult_is_refused_as_the_child_even_with_only_the_codice_fiscale(demo):
    adult = dt.date(1990, 1, 1)
    with pytest.raises(ValidationError) as excinfo:
        person_resolve(
            data=PersonData(surname="Conti", given_name="Luca", fiscal_code=_cf(birth=adult)),
            actor=demo.users["protocollo"],
            minor=True,
        )
    assert excinfo.value.message_dict["birth_date"] == ["La persona segnalata deve essere minorenne."]
    assert not Person.objects.filter(surname="Conti", birth_date=adult).exists()
