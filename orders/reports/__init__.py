"""Report files (XLSX and CSV) of the ledger and its breakdowns.

``report_build(campaign=, params=, organization=)`` returns the finished file. Headers and
labels are rendered in the language the user chose (Chinese unless English); amounts are
exact ``Decimal`` yuan with two places (XLSX: number cells formatted ``0.00``)."""

from orders.reports.build import BuiltReport, report_build, report_row_estimate

__all__ = ["BuiltReport", "report_build", "report_row_estimate"]
