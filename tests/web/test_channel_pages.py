"""The channel pages: a user adds their own Telegram, a commune admin its group and webhook; nobody
else can see, test or delete them."""
from __future__ import annotations

from sqlalchemy import select

from ir_app.models import Role
from ir_app.models.channels import ChannelDelivery, ChannelEndpoint


def test_a_user_adds_their_telegram_and_sends_a_test(make_web, make_user, commune, session):
    officer = make_user(Role.OFFICER, organisation=commune)
    client = make_web(officer)
    page = client.get("/notifications/channels/")
    assert page.status_code == 200 and "Kênh nhận thông báo trên điện thoại" in page.get_data(as_text=True)
    response = client.post_form("/notifications/channels/", {"kind": "telegram", "address": "987654321",
                                                              "label": "Điện thoại", "topics": ["incidents"]})
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    endpoint = session.scalar(select(ChannelEndpoint))
    assert (endpoint.user_id, endpoint.address, endpoint.topics) == (officer.id, "987654321", "incidents")
    assert client.post_form(f"/notifications/channels/{endpoint.id}/test", {}).status_code == 302
    assert session.scalar(select(ChannelDelivery.subject)) == "Tin nhắn thử từ ATTT xã"


def test_a_wrong_address_is_explained_and_nothing_is_saved(make_web, make_user, commune, session):
    client = make_web(make_user(Role.STAFF, organisation=commune))
    response = client.post_form("/notifications/channels/", {"kind": "telegram", "address": "0912 345 678"})
    assert response.status_code in (200, 422)
    assert "Mã cuộc trò chuyện Telegram là một số" in response.get_data(as_text=True)
    assert session.scalar(select(ChannelEndpoint)) is None


def test_nobody_else_can_test_or_delete_a_users_channel(make_web, make_user, commune, other_commune, session):
    owner = make_user(Role.OFFICER, organisation=commune)
    make_web(owner).post_form("/notifications/channels/", {"kind": "zalo", "address": "u123"})
    endpoint = session.scalar(select(ChannelEndpoint))
    for intruder in (make_user(Role.OFFICER, organisation=commune), make_user(Role.ADMIN, organisation=other_commune)):
        client = make_web(intruder)
        assert client.post_form(f"/notifications/channels/{endpoint.id}/delete", {}).status_code == 404
        assert client.post_form(f"/notifications/channels/{endpoint.id}/test", {}).status_code == 404
    session.expire_all()
    assert session.get(ChannelEndpoint, endpoint.id) is not None


def test_a_commune_admin_adds_a_webhook_and_sees_its_signing_key(make_web, make_user, commune, other_commune,
                                                                 session):
    admin = make_web(make_user(Role.ADMIN, organisation=commune))
    url = f"/notifications/channels/commune?commune={commune.code}"
    response = admin.post_form(url, {"kind": "webhook", "address": "https://giamsat.example.vn/hook", "label": "SIEM"})
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    endpoint = session.scalar(select(ChannelEndpoint))
    assert endpoint.commune_id == commune.id and len(endpoint.secret) == 64
    assert endpoint.secret in admin.get(url).get_data(as_text=True)
    # Officers (of this commune or another) cannot manage it, nor even find it.
    assert make_web(make_user(Role.OFFICER, organisation=commune)).get(url).status_code == 403
    stranger = make_web(make_user(Role.OFFICER, organisation=other_commune))
    assert stranger.get(url).status_code == 403
    assert stranger.post_form(f"/notifications/channels/{endpoint.id}/delete", {}).status_code == 404
    assert admin.post_form(f"/notifications/channels/{endpoint.id}/delete", {}).status_code == 302
    session.expire_all()
    assert session.scalar(select(ChannelEndpoint)) is None
