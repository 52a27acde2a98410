"""Issue 24, item 2: "Pemberitahuan". What is new for me (a to-do, a referral answer, a
threshold crossed in my class, a teacher's note on my class) with an unread count in the bar,
marked read by a click; an optional daily e-mail digest, names and links only."""

import pytest
from django.core import mail
from django.test import Client
from django.utils import timezone

from interventions.conduct import services as conduct_services
from interventions.conduct.models import Behaviour
from predictions.feedback import prediction_feedback_record
from smk_dashboard.core.notifications import Notification, notify
from smk_dashboard.pages.notifications.services import notifications_digest_send
from smk_dashboard.tasks import notifications_digest_task
from students.models import Role
from tests.predictions.factories import PredictionFactory
from tests.students.factories import SchoolClassFactory, StudentFactory, UserFactory

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()
NOTE = "Sering melamun, mungkin ada masalah di rumah"


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def wali(school):
    return UserFactory(role=Role.WALIKELAS, school=school, username="wali_n", email="w@x.id")


@pytest.fixture
def student(school, wali):
    klass = SchoolClassFactory(school=school, homeroom_teacher=wali, name="X AKL 1")
    return StudentFactory(school=school, school_class=klass, name="Rani Oktaviani")


def test_a_threshold_crossed_in_my_class_is_a_notification_for_the_walikelas(school, wali, student):
    conduct_services.point_catalogue_seed(school=school)
    guru = UserFactory(role=Role.BK, school=school)
    conduct_services.point_entry_record(
        user=guru, student=student, date=TODAY,
        behaviour=Behaviour.objects.get(school=school, name="Berkelahi"),
    )  # fmt: skip
    [n] = Notification.objects.filter(user=wali)
    assert (n.kind, n.text) == ("threshold", "Rani Oktaviani mencapai 50 poin (batas 50)")
    assert n.url == f"/students/{student.pk}/"


def test_a_teachers_note_is_a_notification_without_its_words(school, wali, student):
    guru = UserFactory(role=Role.GURU, school=school, first_name="Budi", last_name="Guru")
    prediction = PredictionFactory(student=student)
    prediction_feedback_record(prediction=prediction, user=guru, agrees=False, note=NOTE)
    [n] = Notification.objects.filter(user=wali)
    assert n.kind == "note" and n.text == "Catatan Budi Guru tentang Rani Oktaviani"
    # An answer without a note tells nobody anything new.
    prediction_feedback_record(prediction=prediction, user=wali, agrees=True)
    assert Notification.objects.count() == 1


def test_the_bar_counts_unread_and_a_click_reads_it_and_opens_its_page(wali, student):
    notify(users=[wali], kind="todo", text="Tugas baru", url=f"/students/{student.pk}/")
    notify(users=[wali], kind="todo", text="Tugas kedua", url="")
    client = client_for(wali)
    home = client.get("/").content.decode()
    assert 'data-testid="unread-count">2<' in home
    page = client.get("/notifications/").content.decode()
    assert "Tugas baru" in page and "Tugas kedua" in page
    first = Notification.objects.get(text="Tugas baru")
    opened = client.post(
        "/notifications/read/", {"ids": [first.pk], "next": f"/students/{student.pk}/"}
    )
    assert opened.status_code == 302 and opened.url == f"/students/{student.pk}/"
    assert 'data-testid="unread-count">1<' in client.get("/").content.decode()
    client.post("/notifications/read/", {})
    assert 'data-testid="unread-count"' not in client.get("/").content.decode()
    # An outside address in `next` is not followed.
    assert client.post("/notifications/read/", {"next": "https://evil.example/"}).url == (
        "/notifications/"
    )


def test_nobody_reads_or_marks_another_persons_notifications(school, wali):
    other = UserFactory(role=Role.GURU, school=school)
    notify(users=[wali], kind="todo", text="Untuk wali saja")
    client = client_for(other)
    assert "Untuk wali saja" not in client.get("/notifications/").content.decode()
    client.post("/notifications/read/", {"ids": [Notification.objects.get().pk]})
    assert Notification.objects.get().read_at is None


def test_the_daily_digest_is_off_by_default_and_sends_names_and_links_once(settings, wali, student):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    notify(users=[wali], kind="note", text="Catatan Budi tentang Rani Oktaviani",
           url=f"/students/{student.pk}/")  # fmt: skip
    assert notifications_digest_task() == 0 and not mail.outbox  # off unless chosen
    client = client_for(wali)
    client.post("/notifications/preferences/", {"daily_digest": "on"})
    assert notifications_digest_task() == 1
    [message] = mail.outbox
    assert message.to == ["w@x.id"]
    assert "Catatan Budi tentang Rani Oktaviani" in message.body
    assert f"/students/{student.pk}/" in message.body and NOTE not in message.body
    assert notifications_digest_send() == 0  # each notification is e-mailed once
    client.post("/notifications/preferences/", {})
    notify(users=[wali], kind="todo", text="Tugas baru")
    assert notifications_digest_send() == 0 and len(mail.outbox) == 1
