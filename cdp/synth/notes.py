"""A labelled corpus of synthetic free text (service notes, call transcripts, complaints).

Each document carries gold spans `(type, start, end)`: character offsets into the final text,
end exclusive, never overlapping. A span covers the value as written (separators, +86, brackets
around an area code, full-width digits included) and no trigger word (客户, 先生, 地址：).
Look-alikes that are not PII (wrong check digits, order numbers, 400 numbers, amounts, places
that start with a surname, brands) appear unlabelled. The same seed gives the same corpus.

`known_names` are the customers the platform holds: most person mentions are customers, but
staff, relatives and new customers are strangers, so a name dictionary alone cannot find them all.
"""

from __future__ import annotations

import json
import random
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from faker import Faker

from cdp.synth import note_values as values
from cdp.synth.note_templates import (
    AGENT_TURNS,
    COMPLAINT_SENTENCES,
    CUSTOMER_TURNS,
    ENGLISH_SENTENCES,
    NAME_LIKE_PLACES,
    NOTE_SENTENCES,
    ORGANISATIONS,
    POSITIVE_SLOTS,
    SPEAKERS,
)
from cdp.synth.tables import COMPOUND_SURNAMES, REGIONS, SECOND_CHARS

KNOWN_CUSTOMERS = 800  # Chinese-named customers on the platform
KNOWN_FOREIGN = 60  # customers with English names
CUSTOMER_KNOWN_SHARE = 0.95  # a customer mention names a held customer (others are new)
RELATIVE_KNOWN_SHARE = 0.5  # family members are often customers too; staff never are
FOREIGN_KNOWN_SHARE = 0.6
KINDS = ("note", "transcript", "complaint", "mixed")
KIND_WEIGHTS = (40, 30, 15, 15)
_SLOT = re.compile(r"\{(\w+)\}")


@dataclass(frozen=True, slots=True)
class Span:
    """One gold entity: a type and character offsets (end exclusive) into the document text."""

    type: str
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class LabelledDoc:
    """One document and its gold spans, sorted by start."""

    doc_id: str
    kind: str
    text: str
    spans: tuple[Span, ...]


@dataclass(frozen=True, slots=True)
class Corpus:
    """Documents plus the customer names the platform holds (the detector's dictionary)."""

    seed: int
    docs: tuple[LabelledDoc, ...]
    known_names: tuple[str, ...]


def generate_corpus(seed: int, n: int) -> Corpus:
    """Generates `n` labelled documents, the same ones for the same seed."""
    filler = _Filler(seed)
    rng = random.Random(f"{seed}:docs")
    docs = tuple(_document(rng, filler, f"d{i:05d}") for i in range(n))
    return Corpus(seed, docs, filler.known_names)


def write_jsonl(corpus: Corpus, path: Path) -> None:
    """Writes one JSON object per document; the first line holds the seed and known names."""
    with path.open("w", encoding="utf-8") as out:
        head = {"seed": corpus.seed, "known_names": list(corpus.known_names)}
        out.write(json.dumps(head, ensure_ascii=False) + "\n")
        for doc in corpus.docs:
            spans = [[s.type, s.start, s.end] for s in doc.spans]
            row = {"id": doc.doc_id, "kind": doc.kind, "text": doc.text, "spans": spans}
            out.write(json.dumps(row, ensure_ascii=False) + "\n")


def read_jsonl(path: Path) -> Corpus:
    """Reads a corpus written by `write_jsonl`."""
    with path.open(encoding="utf-8") as handle:
        head, *rows = (json.loads(line) for line in handle)
    docs = tuple(
        LabelledDoc(r["id"], r["kind"], r["text"], tuple(Span(*s) for s in r["spans"]))
        for r in rows
    )
    return Corpus(head["seed"], docs, tuple(head["known_names"]))


class _Builder:
    """Concatenates text pieces and records the offsets of the labelled ones."""

    def __init__(self) -> None:
        self.parts: list[str] = []
        self.spans: list[Span] = []
        self.length = 0

    def add(self, text: str, entity: str | None = None) -> None:
        """Appends text; labels it when `entity` is given."""
        if entity is not None:
            self.spans.append(Span(entity, self.length, self.length + len(text)))
        self.parts.append(text)
        self.length += len(text)


def _document(rng: random.Random, filler: _Filler, doc_id: str) -> LabelledDoc:
    """Draws one document of a random kind."""
    kind = rng.choices(KINDS, weights=KIND_WEIGHTS)[0]
    builder = _Builder()
    if kind == "transcript":
        _transcript(rng, filler, builder)
    else:
        pool, head, sep = _PROSE[kind]
        if head and rng.random() < 0.5:
            builder.add(head)
        for i, template in enumerate(rng.sample(pool, rng.randint(2, 5))):
            builder.add(sep if i else "")
            _render(template, filler, builder)
    return LabelledDoc(doc_id, kind, "".join(builder.parts), tuple(builder.spans))


_PROSE: dict[str, tuple[Sequence[str], str, str]] = {
    "note": (NOTE_SENTENCES, "【服务备注】", ""),
    "complaint": (COMPLAINT_SENTENCES, "投诉内容：", ""),
    "mixed": ((*ENGLISH_SENTENCES, *ENGLISH_SENTENCES, *NOTE_SENTENCES[:12]), "[Note] ", " "),
}


def _transcript(rng: random.Random, filler: _Filler, builder: _Builder) -> None:
    """Alternates agent and customer turns, one per line."""
    agent, customer = rng.choice(SPEAKERS)
    turns = rng.randint(4, 9)
    agent_says = iter(rng.sample(AGENT_TURNS, (turns + 1) // 2))
    customer_says = iter(rng.sample(CUSTOMER_TURNS, turns // 2))
    for turn in range(turns):
        speaker, says = (agent, agent_says) if turn % 2 == 0 else (customer, customer_says)
        builder.add(f"{chr(10) if turn else ''}{speaker}：")
        _render(next(says), filler, builder)


def _render(template: str, filler: _Filler, builder: _Builder) -> None:
    """Fills each `{slot}` of a template, labelling the positive ones."""
    cursor = 0
    for match in _SLOT.finditer(template):
        builder.add(template[cursor : match.start()])
        slot = match.group(1)
        builder.add(filler.fill(slot), POSITIVE_SLOTS.get(slot))
        cursor = match.end()
    builder.add(template[cursor:])


class _Filler:
    """Draws slot values; holds the Faker pools, the customers and the strangers."""

    def __init__(self, seed: int) -> None:
        self.rng = random.Random(f"{seed}:values")
        zh, en = Faker("zh_CN"), Faker("en_US")
        zh.seed_instance(seed)
        en.seed_instance(seed)
        self.surnames = [zh.last_name() for _ in range(800)]
        self.given = [zh.first_name() for _ in range(800)]
        self.streets = [s for s in (zh.street_name() for _ in range(400)) if len(s) >= 3]
        self.users = [zh.user_name() for _ in range(600)]
        customers = _distinct(self.chinese_name, KNOWN_CUSTOMERS)
        foreign = _distinct(en.name, KNOWN_FOREIGN)
        self.known_names = tuple(customers + foreign)
        known = set(self.known_names)
        self.customers, self.foreign = customers, foreign
        self.strangers = [n for n in _distinct(self.chinese_name, 1200) if n not in known]
        self.foreign_strangers = [n for n in _distinct(en.name, 200) if n not in known]
        self.slots = self._slot_table()

    def fill(self, slot: str) -> str:
        """Returns a value for one slot."""
        return self.slots[slot]()

    def chinese_name(self) -> str:
        """Draws a name: ~6% compound surnames, some one-character given names."""
        rng = self.rng
        surname = rng.choice(COMPOUND_SURNAMES if rng.random() < 0.06 else self.surnames)
        given = rng.choice(self.given)
        if len(given) == 1 and rng.random() < 0.5:
            given += rng.choice(SECOND_CHARS[rng.choice("MF")])
        return surname + given

    def person(self, known: Sequence[str], strangers: Sequence[str], share: float) -> str:
        """Picks a held customer with probability `share`, else a stranger."""
        return self.rng.choice(known if self.rng.random() < share else strangers)

    def email(self) -> str:
        """Draws an address on a reserved example domain."""
        rng = self.rng
        suffix = rng.choice(("", str(rng.randrange(1960, 2010)), str(rng.randrange(100))))
        domain = rng.choice(("example.com", "example.cn", "mail.example.cn", "example.net"))
        return f"{rng.choice(self.users)}{suffix}@{domain}"

    def _slot_table(self) -> dict[str, Callable[[], str]]:
        rng, streets = self.rng, self.streets
        return {
            "customer": lambda: self.person(self.customers, self.strangers, CUSTOMER_KNOWN_SHARE),
            "staff": lambda: rng.choice(self.strangers),
            "relative": lambda: self.person(self.customers, self.strangers, RELATIVE_KNOWN_SHARE),
            "en_name": lambda: self.person(
                self.foreign, self.foreign_strangers, FOREIGN_KNOWN_SHARE
            ),
            "mobile": lambda: values.mobile(rng),
            "landline": lambda: values.landline(rng),
            "id": lambda: values.resident_id(rng),
            "id15": lambda: values.legacy_id(rng),
            "card": lambda: values.bank_card(rng),
            "uscc": lambda: values.uscc(rng, individual=rng.random() < 0.7),
            "passport": lambda: values.passport(rng),
            "plate": lambda: values.plate(rng),
            "email": self.email,
            "ip": lambda: values.ip_address(rng),
            "address": lambda: values.full_address(rng, streets),
            "street": lambda: values.partial_address(rng, streets),
            "bad_id": lambda: values.bad_resident_id(rng),
            "bad_card": lambda: values.luhn_failing(rng),
            "bad_mobile": lambda: values.bad_mobile(rng),
            "order": lambda: values.order_number(rng),
            "hotline": lambda: values.service_number(rng),
            "date": lambda: values.date_text(rng),
            "time": lambda: values.time_text(rng),
            "amount": lambda: values.amount(rng),
            "code": lambda: values.code(rng),
            "place": lambda: rng.choice(NAME_LIKE_PLACES),
            "org": lambda: rng.choice(ORGANISATIONS),
            "branch": lambda: rng.choice(REGIONS).branch,
        }


def _distinct(draw: Callable[[], str], count: int) -> list[str]:
    """Draws until `count` distinct values, in draw order."""
    seen: dict[str, None] = {}
    for _ in range(count * 20):
        seen.setdefault(draw(), None)
        if len(seen) == count:
            break
    return list(seen)
