"""The province, its communes, their units, people (one account per role), emergency contacts and
morning-check list."""
from __future__ import annotations

import hashlib
from datetime import timedelta

from ir_app.models import (
    CalendarFeed,
    CheckItem,
    EmergencyContact,
    LoginAttempt,
    Organisation,
    Unit,
    User,
    UserRole,
)
from ir_app.seed.demo import CONTACTS, UNITS
from ir_app.seed.synthetic.names import commune_name, person_name, phone
from ir_app.seed.synthetic.seeder import CommuneRef, Seeder, UserRef
from ir_app.services.checks import default_items

# Who works in each commune: the key names the account (officer@…, staff2@…) and its role.
COMMUNE_ACCOUNTS = (("officer", "officer"), ("staff", "staff"), ("staff2", "staff"), ("appraiser", "appraiser"),
                    ("approver", "approver"), ("auditor", "auditor"))
PROVINCE_ACCOUNTS = (("overseer", "overseer"), ("admin", "admin"))


def province_slug(code: str) -> str:
    return f"mp{code.lower()}"


def add_province(seed: Seeder) -> tuple[int, dict[str, UserRef]]:
    code = seed.spec.province_code
    slug = province_slug(code)
    province_id = seed.insert_ids(Organisation, [{
        "kind": "province", "code": code, "slug": slug, "name": f"Tỉnh Mô phỏng {code}", "commune_type": None,
        "parent_id": None, "address": f"Công an tỉnh Mô phỏng {code}", "phone": "0200 3800 000",
        "email": f"pa05@{slug}.synth.vn"}])[0]
    users = add_users(seed, province_id, slug, PROVINCE_ACCOUNTS, seed.rng("province-users"))
    return province_id, users


def add_communes(seed: Seeder, province_id: int) -> list[CommuneRef]:
    code = seed.spec.province_code
    rng = seed.rng("communes")
    rows = []
    for index in range(seed.spec.communes):
        kind = rng.choices(("xa", "phuong", "dac_khu"), (75, 23, 2))[0]
        name = commune_name(index)
        rows.append({"kind": "commune", "code": f"{code}{index + 1:05d}"[-16:], "slug": commune_slug(code, index),
                     "name": name, "commune_type": kind, "parent_id": province_id,
                     "address": f"Trụ sở UBND {'phường' if kind == 'phuong' else 'xã'} {name}", "phone": phone(rng),
                     "email": f"ubnd@{commune_slug(code, index)}.synth.vn"})
    ids = seed.insert_ids(Organisation, rows)
    labels = {"xa": "Xã", "phuong": "Phường", "dac_khu": "Đặc khu"}
    return [CommuneRef(index, commune_id, row["code"], row["slug"], row["name"],
                       f"{labels[row['commune_type']]} {row['name']}")
            for index, (commune_id, row) in enumerate(zip(ids, rows))]


def commune_slug(province_code: str, index: int) -> str:
    return f"{province_slug(province_code)}-{index + 1:04d}"


def add_users(seed: Seeder, organisation_id: int, slug: str, accounts, rng) -> dict[str, UserRef]:
    rows = [{"email": f"{key}@{slug}.synth.vn", "name": person_name(rng), "password_hash": seed.password_hash,
             "organisation_id": organisation_id, "is_active": True, "session_token": f"{rng.getrandbits(128):032x}",
             "phone": phone(rng), "email_notifications": rng.random() < 0.8, "daily_digest": rng.random() < 0.3,
             "locale": "vi", "created_at": seed.now - timedelta(days=rng.randint(200, 900))}
            for key, _role in accounts]
    ids = seed.insert_ids(User, rows)
    seed.insert(UserRole, [{"user_id": user_id, "role": role} for user_id, (_key, role) in zip(ids, accounts)])
    return {key: UserRef(user_id, row["name"], row["email"])
            for user_id, (key, _role), row in zip(ids, accounts, rows)}


def populate_commune(seed: Seeder, commune: CommuneRef) -> None:
    rng = seed.rng("people", commune.index)
    commune.users = add_users(seed, commune.id, commune.slug, COMMUNE_ACCOUNTS, rng)
    commune.unit_ids = seed.insert_ids(Unit, [
        {"commune_id": commune.id, "name": name, "functions": functions, "head_name": person_name(rng),
         "phone": phone(rng), "email": f"don-vi-{position}@{commune.slug}.synth.vn", "is_cyber_unit": cyber,
         "head_title": head_title}
        for position, (name, functions, cyber, head_title) in enumerate(UNITS)])
    seed.insert(EmergencyContact, [
        {"commune_id": commune.id, "name": name, "organisation": organisation, "role": role, "phone": number,
         "phone_alt": alternative, "email": "", "is_24x7": always, "hours": hours, "sort_order": order}
        for order, (name, organisation, role, number, alternative, always, hours) in enumerate(CONTACTS)])
    seed.insert(CheckItem, [{"commune_id": commune.id, "position": position, "label": label}
                            for position, label in enumerate(default_items())])
    _add_sign_ins(seed, commune, rng)


def _add_sign_ins(seed: Seeder, commune: CommuneRef, rng) -> None:
    """Recent sign-ins (the throttle's table) and the officer's calendar feed."""
    officer = commune.user("officer")
    seed.insert(LoginAttempt, [
        {"email": user.email, "ip_address": f"10.{commune.index % 250}.{rng.randint(0, 255)}.{rng.randint(1, 254)}",
         "attempted_at": seed.now - timedelta(hours=rng.randint(1, 72)), "succeeded": rng.random() < 0.95}
        for user in commune.users.values()])
    token = f"{rng.getrandbits(256):064x}"
    seed.insert(CalendarFeed, [{"user_id": officer.id, "token_hash": hashlib.sha256(token.encode()).hexdigest(),
                                "created_at": seed.now - timedelta(days=rng.randint(10, 100)), "last_used_at": None}])
