"""The request's translations are found once per request, and follow every change of locale in it."""
from __future__ import annotations

from datetime import timedelta

from flask import render_template_string
from flask_babel import force_locale, refresh

from ir_app.web import filters
from ir_app.web.i18n import page_translations


def test_the_translations_follow_force_locale_and_refresh_within_one_request(app):
    with app.test_request_context("/?lang=en"):
        english = page_translations()
        assert page_translations() is english
        assert filters.yes_no(True) == "Yes"
        with force_locale("vi"):
            assert filters.yes_no(True) == "Có"
            assert render_template_string("{{ _('Có') }}") == "Có"
        assert filters.yes_no(True) == "Yes"
        assert render_template_string("{{ _('Có') }}") == "Yes"
        refresh()
        assert filters.yes_no(True) == "Yes"  # ?lang=en is selected again after a refresh
    with app.test_request_context("/"):
        assert filters.yes_no(True) == "Có"
        assert render_template_string("{{ ngettext('%(num)s ngày', '%(num)s ngày', 2) }}") == "2 ngày"
    with app.test_request_context("/?lang=en"):
        assert filters.format_duration(timedelta(days=2)) == "2 days"
