"""Risk register (danh mục rủi ro) of each system: the threat catalogue and the level matrix it
is rated with, the register itself, its starter proposal, the thuyết minh's risk table and the
reminders before an accepted risk's acceptance runs out."""
