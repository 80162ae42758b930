"""Operating the app itself: consistent backup and restore of its own database."""
