import threading
import time

from whistle.infra.work_slots import SLOTS, cpu_slot
from whistle.web.server import redact


def test_no_more_derivations_at_once_than_cores():
    running, peak, lock = 0, 0, threading.Lock()

    def derive():
        nonlocal running, peak
        with cpu_slot():
            with lock:
                running += 1
                peak = max(peak, running)
            time.sleep(0.05)
            with lock:
                running -= 1

    threads = [threading.Thread(target=derive) for _ in range(SLOTS * 3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert peak == SLOTS


def test_the_server_log_filter_removes_network_addresses():
    line = "Invalid request from ip=192.168.10.7: bad header; peer 2001:db8::1 reset"
    cleaned = redact(line)
    assert "192.168" not in cleaned and "2001:db8" not in cleaned
    assert cleaned.startswith("Invalid request from ip=")
