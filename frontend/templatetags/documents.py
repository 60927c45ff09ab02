"""Template filters for the procurement documents."""

from django import template

from orders.documents.capitals import fen_in_capitals

register = template.Library()


@register.filter
def fen_capitals(amount: int | None) -> str:
    """Integer fen in Chinese capitals (大写), e.g. ``31250`` → ``叁佰壹拾贰元伍角``."""
    return "" if amount is None else fen_in_capitals(amount)
