"""How long the notifications worker takes for one event in a large consultation.

Usage: .venv/bin/python bench/notifications_dispatch.py [participants] [database-url]
Builds a throw-away database, N participants, records one document.version event, then times
dispatch_pending() (notices + rendered mails) and send_due() (to the log transport)."""
import logging
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from config import TestConfig  # noqa: E402


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 300
    tmp = tempfile.mkdtemp()
    cfg = TestConfig()
    cfg.SECRET_KEY = "bench"
    cfg.SQLALCHEMY_DATABASE_URI = sys.argv[2] if len(sys.argv) > 2 else f"sqlite:///{tmp}/bench.db"
    cfg.INSTANCE_DIR = Path(tmp)
    from app import create_app
    from app.accounts.models import Organisation, User
    from app.consultations.models import Consultation, Participant
    from app.core.realtime import record_event
    from app.documents.event_types import DocumentVersion
    from app.extensions import db
    from app.notifications.dispatch import dispatch_pending
    from app.notifications.mailer import send_due
    logging.getLogger("baraza.mail").setLevel(logging.WARNING)
    app = create_app(cfg)
    with app.app_context():
        db.create_all()
        org = Organisation(name="Org", constituency="workers")
        sec_org = Organisation(name="Sec", constituency="secretariat")
        db.session.add_all([org, sec_org])
        db.session.flush()
        sec = User(email="sec@x.org", name="Sec", role="secretariat", organisation_id=sec_org.id)
        c = Consultation(title="Bench", level="continental", status="scheduled",
                         starts_at=datetime(2027, 1, 1, tzinfo=UTC))
        db.session.add_all([sec, c])
        db.session.flush()
        for i in range(n):
            u = User(email=f"u{i}@x.org", name=f"Person {i}", role="delegate", organisation_id=org.id,
                     password_hash="x")
            db.session.add(u)
            db.session.flush()
            db.session.add(Participant(consultation_id=c.id, user_id=u.id, organisation_id=org.id,
                                       role="delegate", credentials="accepted"))
        db.session.commit()
        record_event(c.id, DocumentVersion(document_id=1, title="Doc", number=2, note=""), sec)
        db.session.commit()
        t0 = time.perf_counter()
        dispatch_pending()
        t1 = time.perf_counter()
        sent = 0
        while True:
            r = send_due(limit=200)
            if not r["sent"]:
                break
            sent += r["sent"]
        t2 = time.perf_counter()
        print(f"{n} recipients: dispatch {t1 - t0:.2f} s ({(t1 - t0) / n * 1000:.1f} ms each), "
              f"send to log {t2 - t1:.2f} s for {sent} mails")


if __name__ == "__main__":
    main()
