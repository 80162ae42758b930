"""The province view for the overseer (Công an tỉnh, PA05): one row per commune with red/amber/green
cells, charts with a table fallback, a province-wide incident summary and its exports.

Every figure comes from a fixed number of grouped statements, whatever the number of communes."""
