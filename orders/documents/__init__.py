"""Printable procurement documents (采购合同, 送货单, 验收单) generated as PDF on request."""
