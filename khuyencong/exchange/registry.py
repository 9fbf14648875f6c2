"""The registers known to the exchange app, in the order a full import must follow."""

from __future__ import annotations

from khuyencong.exchange.spec import Register

_REGISTERS: dict[str, Register] = {}
# Registers refer to records of earlier ones (a course names its scheme): a full import goes in this order.
ORDER = ("establishments", "schemes", "training", "cooperation", "products", "fairs")


def register(reg: Register) -> Register:
    _REGISTERS[reg.code] = reg
    return reg


def get(code: str) -> Register:
    return _REGISTERS[code]


def all_registers() -> list[Register]:
    known = sorted(_REGISTERS, key=lambda c: ORDER.index(c) if c in ORDER else len(ORDER))
    return [_REGISTERS[c] for c in known]
