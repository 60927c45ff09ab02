"""Amounts in Chinese capitals (大写金额) as written on contracts and invoices.

cn2an does the conversion; it is given the amount as an exact decimal string built from
integer fen (never a float), so ``123456`` fen becomes ``壹仟贰佰叁拾肆元伍角陆分``.
"""

from __future__ import annotations

import cn2an


def fen_in_capitals(fen: int) -> str:
    """The RMB amount ``fen`` (integer fen, ≥ 0) in capitals, e.g. ``壹佰元整``."""
    fen = int(fen)
    if fen < 0:
        raise ValueError("a document amount is never negative")
    return cn2an.an2cn(f"{fen // 100}.{fen % 100:02d}", "rmb")
