"""Holdout PII corpus: labelled one-line documents written independently of `cdp.synth.notes`.

The detector was tuned on the first corpus, so its scores there are optimistic; this generator
uses its own templates (WeChat chats, branch visit records, forwarded complaints, collection
call summaries, loan and KYC remarks, English e-mails, bilingual remarks), name lists, places
and number formats. Spans follow docs/pii-evaluation.md: end-exclusive character offsets over
the value as written (separators, `+86` and area-code brackets included, triggers excluded).
About 60 % of person mentions are customers the platform holds (`Corpus.known_names`).
"""

from __future__ import annotations

import random
import re
import unicodedata
from collections.abc import Callable

from faker import Faker

from cdp.synth import holdout_values as v
from cdp.synth.holdout_templates import KINDS, Kind, negative
from cdp.synth.notes import Corpus, LabelledDoc, Span
from masking.formats import is_valid_cn_mobile, is_valid_cn_resident_id, luhn_ok

CUSTOMER_KNOWN = 0.95  # the document's customer is held by the platform
OTHER_KNOWN = 0.7  # relatives, payees, guarantors
ENGLISH_KNOWN = 0.6
EDGE_SHARE = 0.08  # documents that start or end with a bare PII value
_SLOT = re.compile(r"\{(\w+)\}")
_DIGIT_RUN = re.compile(r"(?<![0-9A-Za-z])[0-9]{11,19}[Xx]?(?![0-9A-Za-z])")
_HALF = str.maketrans({"，": ",", "：": ":", "；": ";", "（": "(", "）": ")", "！": "!"})
_NUMERIC_TYPES = frozenset({"CN_MOBILE", "CN_RESIDENT_ID", "CN_BANK_CARD", "CN_LANDLINE"})


class _People:
    """Known customers (the detector's dictionary) and strangers, Chinese and English."""

    def __init__(self, seed: int, n: int) -> None:
        self.rng = random.Random(f"{seed}:holdout:people")
        self.faker = Faker("zh_CN")
        self.faker.seed_instance(seed)
        size = max(40, n // 2)
        self.known_cn = self._unique(self._cn_name, size, set())
        self.known_en = self._unique(lambda: v.en_name(self.rng), max(10, n // 20), set())
        self.held = set(self.known_cn) | set(self.known_en)

    def _cn_name(self) -> str:
        if self.rng.random() < 0.5:
            return str(self.faker.name())
        return v.cn_name(self.rng)

    def _unique(self, make: Callable[[], str], count: int, taken: set[str]) -> list[str]:
        out: list[str] = []
        while len(out) < count:
            name = make()
            if name not in taken:
                taken.add(name)
                out.append(name)
        return out

    def pick(self, rng: random.Random, known: float, english: bool = False) -> str:
        """A held name with probability `known`, otherwise a stranger."""
        if rng.random() < known:
            return rng.choice(self.known_en if english else self.known_cn)
        while True:
            name = v.en_name(rng) if english else self._stranger(rng)
            if name not in self.held:
                return name

    def _stranger(self, rng: random.Random) -> str:
        return v.cn_name(rng) if rng.random() < 0.5 else str(self.faker.name())


class _DocBuilder:
    """Appends literal text and labelled values, tracking offsets."""

    def __init__(self, rng: random.Random, people: _People) -> None:
        self.rng = rng
        self.people = people
        self.parts: list[str] = []
        self.spans: list[Span] = []
        self.size = 0
        self.half = rng.choice((0.0, 0.0, 0.5, 1.0))  # share of half-width punctuation
        self.customer = people.pick(rng, CUSTOMER_KNOWN)
        self.english = people.pick(rng, ENGLISH_KNOWN, english=True)

    def text(self, literal: str) -> None:
        if self.half and literal:
            literal = "".join(
                c.translate(_HALF) if self.rng.random() < self.half else c for c in literal
            )
        self.parts.append(literal)
        self.size += len(literal)

    def value(self, type_: str, value: str) -> None:
        if self.rng.random() < 0.06:  # a stray space typed before the value
            self.text(self.rng.choice((" ", "  ")))
        self.spans.append(Span(type_, self.size, self.size + len(value)))
        self.parts.append(value)
        self.size += len(value)
        if self.rng.random() < 0.04:
            self.text(" ")

    def fill(self, template: str) -> None:
        """Writes a template, filling each slot with a labelled value or a negative."""
        last = 0
        for match in _SLOT.finditer(template):
            self.text(template[last : match.start()])
            self.slot(match[1])
            last = match.end()
        self.text(template[last:])

    def slot(self, slot: str) -> None:
        rng, people = self.rng, self.people
        labelled: dict[str, tuple[str, Callable[[], str]]] = {
            "name": ("CN_PERSON", lambda: self.customer),
            "other": ("CN_PERSON", lambda: people.pick(rng, OTHER_KNOWN)),
            "staff": ("CN_PERSON", lambda: people.pick(rng, 0.0)),
            "ename": ("CN_PERSON", lambda: self.english),
            "ename2": ("CN_PERSON", lambda: people.pick(rng, ENGLISH_KNOWN, english=True)),
            "mob": ("CN_MOBILE", lambda: v.mobile(rng)),
            "tel": ("CN_LANDLINE", lambda: v.landline(rng)),
            "id": ("CN_RESIDENT_ID", lambda: v.resident_id(rng)),
            "id15": ("CN_RESIDENT_ID", lambda: v.legacy_id(rng)),
            "card": ("CN_BANK_CARD", lambda: v.bank_card(rng)),
            "uscc": ("CN_USCC", lambda: v.uscc(rng)),
            "email": ("EMAIL_ADDRESS", lambda: v.email(rng)),
            "addr": ("CN_ADDRESS", lambda: v.address(rng)),
            "ip": ("IP_ADDRESS", lambda: v.ip_address(rng)),
            "plate": ("CN_PLATE", lambda: v.plate(rng)),
            "pp": ("CN_PASSPORT", lambda: v.passport(rng)),
            "permit": ("CN_PASSPORT", lambda: v.passport(rng, permit=True)),
        }
        if slot in labelled:
            type_, make = labelled[slot]
            self.value(type_, make())
            return
        filled = negative(rng, slot)
        if filled is None:
            raise KeyError(f"unknown holdout slot {slot!r}")
        self.text(filled)


def _compose(rng: random.Random, kind: Kind) -> str:
    """Picks an opener, two to five body sentences and a closer, as one template line."""
    openers, bodies, closers, joiners = kind
    joiner = rng.choice(joiners)
    body = rng.sample(bodies, rng.randrange(2, min(6, len(bodies))))
    line = rng.choice(openers) + joiner + joiner.join(body)
    if rng.random() < 0.7:
        closer = rng.choice(closers)
        line += closer if closer[0] in "。，.,;；" else joiner + closer
    roll = rng.random()
    if roll < EDGE_SHARE:  # bare value first: copied from a form or a chat nickname
        line = rng.choice(("{mob} ", "{name}：", "{name} ", "{id}，", "{email} ")) + line
    elif roll < 2 * EDGE_SHARE:
        line += rng.choice(("，回电{mob}", " {mob}", "。联系人{name}", " {email}", "，{addr}"))
    return line


def _leaks(text: str, spans: tuple[Span, ...]) -> bool:
    """True when a checksum-valid ID, card or mobile appears outside the gold spans, or a
    numeric span is glued to further digits (its boundaries would then be ambiguous)."""
    plain = unicodedata.normalize("NFKC", text)
    covered = [False] * len(plain)
    for span in spans:
        covered[span.start : span.end] = [True] * (span.end - span.start)
        if span.type in _NUMERIC_TYPES:
            before = plain[span.start - 1 : span.start]
            after = plain[span.end : span.end + 1]
            if (before + after).isalnum() and (before + after).isascii():
                return True
    for match in _DIGIT_RUN.finditer(plain):
        if any(covered[match.start() : match.end()]):
            continue
        run = match[0].upper()
        if len(run) == 11 and is_valid_cn_mobile(run):
            return True
        if len(run) == 18 and is_valid_cn_resident_id(run):
            return True
        if run.startswith("62") and run.isdigit() and 16 <= len(run) <= 19 and luhn_ok(run):
            return True
    return False


def _document(rng: random.Random, people: _People, doc_id: str) -> LabelledDoc:
    names = list(KINDS)
    weights = [KINDS[k][1] for k in names]
    while True:
        kind = rng.choices(names, weights)[0]
        builder = _DocBuilder(rng, people)
        builder.fill(_compose(rng, KINDS[kind][0]))
        text, spans = "".join(builder.parts), tuple(builder.spans)
        if "\n" not in text and not _leaks(text, spans):
            return LabelledDoc(doc_id, kind, text, spans)


def generate_holdout(seed: int, n: int) -> Corpus:
    """Generates `n` labelled holdout documents, the same ones for the same seed."""
    people = _People(seed, n)
    rng = random.Random(f"{seed}:holdout:docs")
    docs = tuple(_document(rng, people, f"h{i:05d}") for i in range(n))
    return Corpus(seed, docs, tuple(people.known_cn + people.known_en))
