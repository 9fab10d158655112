"""Writing a flow as it is produced: a SAX generator on the output file, one record at a time (nothing of the
flow is kept in memory). Both INPS schemas share the header (Flusso / IdentificazioneFlusso / Ente)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import BinaryIO
from xml.sax.saxutils import XMLGenerator
from xml.sax.xmlreader import AttributesImpl

from tutela.returns.codes import NAMESPACE
from tutela.returns.sinba import SinbaRecord
from tutela.returns.siuss_ps import Beneficiary


@dataclass(frozen=True)
class Header:
    """IdentificazioneFlusso/@Nome and the Ente: who sends the flow."""

    name: str
    ente_code: str
    ente_name: str
    ente_seat: str  # Belfiore code of the seat
    operator_fiscal_code: str


class FlowWriter:
    """`with FlowWriter(out, header) as flow: flow.sinba(record) ...` writes a well-formed Flusso."""

    def __init__(self, out: BinaryIO, header: Header) -> None:
        self.out = out
        self.header = header
        self.xml = XMLGenerator(out, encoding="utf-8", short_empty_elements=True)

    def __enter__(self) -> FlowWriter:
        self.xml.startDocument()
        self._start("Flusso", {"xmlns": NAMESPACE})
        self._newline()
        self._start("IdentificazioneFlusso", {"Nome": self.header.name[:50]})
        ente = {"Codice": self.header.ente_code}
        if self.header.ente_name:
            ente["Denominazione"] = self.header.ente_name[:100]
        ente["Indirizzo"] = self.header.ente_seat
        ente["CFOperatore"] = self.header.operator_fiscal_code.upper()
        self._empty("Ente", ente)
        self.xml.endElement("IdentificazioneFlusso")
        self._newline()
        return self

    def __exit__(self, *exc: object) -> None:
        self.xml.endElement("Flusso")
        self._newline()
        self.xml.endDocument()

    def _start(self, name: str, attrs: dict[str, str]) -> None:
        self.xml.startElement(name, AttributesImpl(attrs))

    def _newline(self) -> None:
        self.xml.ignorableWhitespace("\n")

    def _empty(self, name: str, attrs: dict[str, str]) -> None:
        self._start(name, attrs)
        self.xml.endElement(name)

    def _text(self, name: str, text: str) -> None:
        self._start(name, {})
        self.xml.characters(text)
        self.xml.endElement(name)

    def sinba(self, record: SinbaRecord) -> None:
        self._start("SINBA", record.attributes)
        self._start("Prestazioni", {})
        for code in record.services:
            self._text("CodicePrestazione", code)
        self.xml.endElement("Prestazioni")
        self._start("Famiglia", {})
        for member in record.family:
            self._text("ComposizioneFamiglia", member)
        self.xml.endElement("Famiglia")
        self.xml.endElement("SINBA")
        self._newline()

    def beneficiary(self, beneficiary: Beneficiary) -> None:
        self._start("Beneficiario", {"CodiceFiscale": beneficiary.fiscal_code})
        self._empty("Anagrafica", beneficiary.personal)
        if beneficiary.address is not None:
            self._empty("Indirizzo", beneficiary.address)
        for service in beneficiary.services:
            self._empty("PrestazioniSociali", service)
        self.xml.endElement("Beneficiario")
        self._newline()
