"""Which test case covers each form of the app (by the endpoint it posts to), and why the other POST
endpoints are not edit forms. tests/web/test_form_round_trips.py checks the URL map against both: a form
added later fails there until it gets a case or a reason here."""
from __future__ import annotations

# endpoint → the cases (tests/web/test_form_round_trips.py CASES) whose form posts to it
FORM_ENDPOINTS: dict[str, tuple[str, ...]] = {
    "inventory.edit": ("system",), "incidents.edit": ("incident",), "contacts.edit": ("contact",),
    "organisations.edit": ("commune",), "organisations.edit_unit": ("unit",), "backups.edit": ("backup plan",),
    "admin.edit_user": ("user",), "notifications.settings": ("notification settings",),
    "checks.items": ("morning checklist",), "checks.morning": ("morning check",),
    # round 11
    "advisories.answer": ("advisory answer", "report request answer"),
    "advisories.create": ("advisory issue", "report request issue"),
    "drills.index": ("drill plan",), "drills.results": ("drill results",),
    "channels.mine": ("own channel",), "channels.commune_channels": ("commune channel",),
    "design.edit": ("design",), "risks.edit": ("risk",), "risks.create": ("new risk",),
    "risks.assessment": ("risk assessment",), "measures.edit": ("measure",), "measures.create": ("new measure",),
    "measures.bulk": ("measures bulk edit",), "account.create_token": ("API token",),
    # round 12
    "roster.edit": ("response team member",), "roster.create": ("new response team member",),
    "training.create": ("new training course",), "training.add_session": ("new training session",),
    "training.attendance": ("training attendance",), "training.edit_course": ("training course",),
    "training.edit_session": ("training session",),
    # made before round 11 (tests/web/form_cases_older.py)
    "dossiers.proposal": ("dossier proposal",), "measures.plan_row_override": ("plan row status",),
    "incidents.update_task": ("incident task assignment",), "dossiers.policies": ("security policy",),
    "contacts.create": ("new contact",), "inventory.create": ("new system",),
    "organisations.create_unit": ("new unit",), "organisations.create": ("new commune",),
    "backups.create": ("new backup plan",), "admin.create_user": ("new user",),
    "incidents.quick_report": ("quick incident report",), "inventory.add_component": ("new component",),
    "backups.record_run": ("backup run",), "backups.record_restore_test": ("restore test",),
    "incidents.add_note": ("incident note",), "incidents.record_report": ("incident report",),
    "incidents.add_custody": ("evidence custody",), "dossiers.add_review": ("dossier review",),
}

_BUTTON = "a button without answers to keep (its refusals are tested with the feature)"
_SIGN_IN = "signing in: nothing to keep but the e-mail address (tests/web/test_auth.py, test_two_factor.py)"
_FILE = "an upload: a browser never re-sends a file (tests of the feature check the refusal message)"
_API = "the API and the backup scripts' endpoint: JSON, no form (tests/api)"

NOT_EDIT_FORMS: dict[str, str] = {
    "auth.login": _SIGN_IN, "auth.logout": _BUTTON, "two_factor.code": _SIGN_IN, "two_factor.enrol_at_sign_in": _SIGN_IN,
    "two_factor.account": "a one-time code to type: nothing else on the form (tests/web/test_two_factor.py)",
    "two_factor.disable": _BUTTON, "two_factor.new_recovery_codes": _BUTTON,
    "auth.change_password": "passwords are never shown again after an error, by design",
    "account.revoke_token": _BUTTON, "admin.reset_password": _BUTTON, "admin.reset_two_factor": _BUTTON,
    "advisories.acknowledge": _BUTTON, "advisories.open_incident": _BUTTON,
    "api.record_backup_run": _API, "api_v1_backups.record_backup_run": _API,
    "api_v1_incidents.add_timeline_entry": _API, "api_v1_incidents.create_incident": _API,
    "backups.issue_token": _BUTTON, "backups.revoke_token": _BUTTON,
    "channels.delete": _BUTTON, "channels.send_test": _BUTTON, "checks.escalate": _BUTTON,
    "contacts.delete": _BUTTON, "design.adopt_starter": _BUTTON, "design.delete": _BUTTON,
    "documents.reset_template": _BUTTON, "documents.upload_template": _FILE, "signed_decisions.upload": _FILE,
    "incidents.add_evidence": _FILE, "measures.add_evidence": _FILE, "inventory.import_xlsx": _FILE,
    "dossiers.act": "a workflow step with its confirmation (tests/web/test_dossier_actions.py)",
    "dossiers.start": _BUTTON, "dossiers.wizard": "every step's answers kept on error: tests/web/test_wizard_answers.py",
    "drills.start": _BUTTON, "incidents.apply_playbook": _BUTTON,
    "incidents.change_state": "a state change with its confirmation (tests/web/test_incidents_pages.py)",
    "inventory.delete": _BUTTON, "inventory.delete_component": _BUTTON, "organisations.delete_unit": _BUTTON,
    "risks.delete": _BUTTON, "risks.propose": _BUTTON, "roster.move": _BUTTON, "roster.delete": _BUTTON,
    "measures.adopt": _BUTTON, "measures.adopt_for_row": _BUTTON, "measures.act_on_measure": _BUTTON,
    "measures.library_mark_current": _BUTTON, "measures.library_resolve": _BUTTON,
    "notifications.issue_calendar_token": _BUTTON, "notifications.revoke_calendar": _BUTTON,
    "notifications.open_notification": _BUTTON, "notifications.read_all": _BUTTON, "operations.retry": _BUTTON,
    "work.assign_step": "one choice, applied at once (tests/web/test_work_pages.py)",
    "documents.record_number": "a number recorded once, nothing to edit; a refused number or date is shown again "
                               "with what was typed (tests/web/test_dossier_documents.py)",
}
