"""Several workers appending to one organisation's audit chain at once: every event lands,
none is lost to a collision, and the chain still verifies."""
import threading

from sqlalchemy import func, select

from whistle.infra.db import make_engine, make_session_factory, transaction
from whistle.models import AuditEvent
from whistle.services import audit


def test_concurrent_appends_queue_and_the_chain_verifies(settings, engine, clock):
    errors, per_worker, workers = [], 15, 4

    def work(n):
        own = make_engine(settings.database_url)  # a separate engine, like another process
        factory = make_session_factory(own)
        try:
            for i in range(per_worker):
                with transaction(factory) as s:
                    # A read before the append, as services do, widens the race window.
                    s.scalar(select(func.count()).select_from(AuditEvent))
                    audit.record(s, chain="deventer", actor=f"worker{n}", event="probe", today=clock.today(), i=i)
        except Exception as exc:  # noqa: BLE001 (collected and asserted below)
            errors.append(repr(exc))
        finally:
            own.dispose()

    threads = [threading.Thread(target=work, args=(n,)) for n in range(workers)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    factory = make_session_factory(engine)
    with transaction(factory) as s:
        assert s.scalar(select(func.count()).select_from(AuditEvent).where(AuditEvent.chain == "deventer")) == per_worker * workers
        assert audit.verify(s, "deventer") == []
