"""Advisories (khuyến nghị, cảnh báo) from the province to its communes: issue, answer, follow up."""
