from __future__ import annotations

from django.db import models
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _

from tutela.accounts.models import Municipality


class Person(models.Model):
    class Sex(models.TextChoices):
        FEMALE = "F", _("Femmina")
        MALE = "M", _("Maschio")

    surname = models.CharField(_("cognome"), max_length=100)
    given_name = models.CharField(_("nome"), max_length=100)
    fiscal_code = models.CharField(_("codice fiscale"), max_length=16, null=True, blank=True, unique=True)
    birth_date = models.DateField(_("data di nascita"), null=True, blank=True)
    birth_place = models.ForeignKey(
        Municipality,
        verbose_name=_("Comune di nascita"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    birth_country = models.CharField(_("Stato di nascita (se estero)"), max_length=80, blank=True)
    sex = models.CharField(_("sesso"), max_length=1, choices=Sex.choices, blank=True)
    citizenship = models.CharField(_("cittadinanza"), max_length=80, blank=True, default="Italiana")
    residence_municipality = models.ForeignKey(
        Municipality,
        verbose_name=_("Comune di residenza"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="residents",
    )
    residence_address = models.CharField(_("indirizzo di residenza"), max_length=200, blank=True)
    domicile_address = models.CharField(_("domicilio (se diverso)"), max_length=200, blank=True)
    phone = models.CharField(_("telefono"), max_length=40, blank=True)
    # Search keys of the names (people/search.py), written by the services with the names: the case search
    # finds a child by the prefix of its surname or name through their indexes.
    surname_key = models.CharField(max_length=100, blank=True, editable=False)
    given_name_key = models.CharField(max_length=100, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["surname", "given_name"]
        verbose_name = _("persona")
        verbose_name_plural = _("persone")
        indexes = [
            # search-before-create without a codice fiscale: surname + name + birth date
            models.Index(Lower("surname"), Lower("given_name"), "birth_date", name="person_name_birth"),
            # Case search by prefix (LIKE 'KEY%'): the pattern operator class on PostgreSQL, plain elsewhere.
            models.Index(
                fields=["surname_key"], name="person_surname_key", opclasses=["varchar_pattern_ops"]
            ),
            models.Index(
                fields=["given_name_key"], name="person_given_name_key", opclasses=["varchar_pattern_ops"]
            ),
        ]

    def __str__(self) -> str:
        return f"{self.surname} {self.given_name}"

    @property
    def full_name(self) -> str:
        return f"{self.surname} {self.given_name}"

    @property
    def initials(self) -> str:
        return f"{self.surname[:1]}. {self.given_name[:1]}.".upper()


class Relationship(models.Model):
    """A family tie of the child to another person, as the case file records it."""

    class Kind(models.TextChoices):
        MOTHER = "mother", _("Madre")
        FATHER = "father", _("Padre")
        SIBLING = "sibling", _("Fratello/sorella")
        GRANDPARENT = "grandparent", _("Nonno/a")
        PARENT_PARTNER = "parent_partner", _("Compagno/a della madre o del padre")
        OTHER_COHABITANT = "other_cohabitant", _("Altro convivente")
        RELATIVE = "relative", _("Altro parente")
        GUARDIAN = "guardian", _("Tutore")
        FOSTER_CARER = "foster_carer", _("Affidatario")

    child = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="relationships")
    relative = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="relationships_as_relative")
    kind = models.CharField(_("relazione"), max_length=20, choices=Kind.choices)
    cohabiting = models.BooleanField(_("convivente"), default=False)
    note = models.CharField(_("note"), max_length=250, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("relazione familiare")
        verbose_name_plural = _("relazioni familiari")
        constraints = [
            models.UniqueConstraint(fields=["child", "relative", "kind"], name="relationship_unique"),
            models.CheckConstraint(
                condition=~models.Q(child=models.F("relative")), name="relationship_not_self"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.relative} ({self.get_kind_display()})"
