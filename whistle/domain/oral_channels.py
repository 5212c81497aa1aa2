"""The oral channels a regeling offers (Wbk art. 18; issue 15.1): a phone number of the
vertrouwenspersoon with its hours, a voice-message line, and whether a melder can ask for a
conversation in person, and where or how. The melder's start page shows them.

Pure rules: the regeling's optional [oral] table, parsed here (regeling.py stays under its
length limit). A number is kept as written and checked for a Dutch or international form;
`tel_uri` gives the tel: link."""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

ORAL_KEYS = {"phone", "phone_hours", "voicemail", "meeting", "meeting_how"}
# After removing spaces, hyphens, dots and brackets: a Dutch number (0 and nine digits), a
# service number (0800/0900/088x with 4-7 digits after 0800/0900), a municipality's 14-number
# (14 and its area code), or an international one (+ or 00, country code, 7-14 digits).
_DUTCH = re.compile(r"0[1-9]\d{8}|0[89]00\d{4,7}|14\d{2,4}")
_INTERNATIONAL = re.compile(r"(\+|00)[1-9]\d{7,14}")
_WRITTEN = re.compile(r"\+?\(?[0-9][0-9 ().-]*[0-9]")
LONGEST_TEXT = 300


@dataclass(frozen=True)
class OralChannels:
    phone: str = ""          # the vertrouwenspersoon's number, as written in the regeling
    phone_hours: str = ""    # when it is answered, free text ("ma-vr 9.00-17.00")
    voicemail: str = ""      # a line for a voice message
    meeting: bool = False    # a conversation in person can be asked for
    meeting_how: str = ""    # where or how to ask for it

    @property
    def any(self) -> bool:
        return bool(self.phone or self.voicemail or self.meeting)


def dial_digits(number: str) -> str | None:
    """The number without separators when it has a Dutch or international form, else None."""
    if not _WRITTEN.fullmatch(number.strip()):
        return None
    digits = re.sub(r"[ ().-]", "", number)
    return digits if _DUTCH.fullmatch(digits) or _INTERNATIONAL.fullmatch(digits) else None


def tel_uri(number: str) -> str:
    digits = dial_digits(number) or ""
    return "tel:" + ("+" + digits[2:] if digits.startswith("00") else digits)


def parse_oral(top: Any) -> OralChannels | None:
    """A regeling's [oral] table (`top` is regeling._Reader); None when there is none."""
    table = top.table("oral", ORAL_KEYS, required=False)
    if table is None:
        return None

    def text(key: str) -> str:
        value = table.text(key, required=False, default="") or ""
        if len(value) > LONGEST_TEXT:
            raise table.fail(key, f"must be at most {LONGEST_TEXT} characters, got {len(value)}")
        return value.strip()

    numbers = {}
    for key in ("phone", "voicemail"):
        numbers[key] = text(key)
        if numbers[key] and dial_digits(numbers[key]) is None:
            raise table.fail(key, "must be a phone number in a Dutch form (e.g. '0570-693 000', '14 0570') "
                                  f"or an international one ('+31 570 693 000'), got {numbers[key]!r}")
    hours, how = text("phone_hours"), text("meeting_how")
    meeting = table.get("meeting", bool, required=False, default=False)
    if hours and not numbers["phone"]:
        raise table.fail("phone_hours", "names the hours of a phone number, but [oral] phone is missing")
    if how and not meeting:
        raise table.fail("meeting_how", "says how to ask for a meeting in person, but [oral] meeting is not true")
    channels = OralChannels(numbers["phone"], hours, numbers["voicemail"], meeting, how)
    if not channels.any:
        raise top.fail("oral", "offers no channel: give phone, voicemail or meeting = true, or leave the table out")
    return channels


def oral_dict(channels: OralChannels | None) -> dict[str, Any]:
    """The [oral] table for Regeling.to_dict (empty when the regeling has none)."""
    if channels is None:
        return {}
    data: dict[str, Any] = {k: getattr(channels, k) for k in ("phone", "phone_hours", "voicemail", "meeting_how")}
    return {"oral": {k: v for k, v in data.items() if v} | {"meeting": channels.meeting}}
