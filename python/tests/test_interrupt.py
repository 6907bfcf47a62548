"""Ctrl-C stops a long fit promptly: the fit runs without the GIL and its progress
callback runs Python's signal handlers every 50 ms."""

import os
import signal
import sys
import threading
import time

import numpy as np
import pytest

import dnmf


@pytest.fixture
def long_data():
    rng = np.random.default_rng(0)
    return rng.random((3000, 400))


def _interrupt_after(seconds):
    timer = threading.Timer(seconds, os.kill, args=(os.getpid(), signal.SIGINT))
    timer.start()
    return timer


@pytest.mark.skipif(threading.current_thread() is not threading.main_thread(), reason="signals need the main thread")
@pytest.mark.parametrize("model, kwargs", [("nmf", {}), ("danmf-crfr", {"pretrain_iter": 100000})])
def test_sigint_raises_keyboard_interrupt(long_data, model, kwargs):
    # 10^6 iterations would run for hours; the interrupt must end the fit within ~1 s.
    est = dnmf.estimator(model)(n_clusters=5, iter=1000000, tol=0.0, n_jobs=1, **kwargs)
    start = time.monotonic()
    timer = _interrupt_after(0.5)
    try:
        with pytest.raises(KeyboardInterrupt):
            est.fit(long_data)
    finally:
        timer.cancel()
    elapsed = time.monotonic() - start
    assert elapsed < 5.0, f"the fit took {elapsed:.1f}s to stop"
    assert not hasattr(est, "labels_")  # nothing half-fitted is left behind
    # The package still works afterwards (threads, GIL and signal state were restored).
    X = long_data[:200, :20]
    assert dnmf.NMF(n_clusters=3, iter=5).fit(X).labels_.shape == (200,)


def test_other_threads_run_during_a_fit(long_data):
    # The GIL is released while the core iterates: a Python thread keeps counting. Were
    # it held, the counter could only advance in the few switch intervals (5 ms) around
    # the call, not for most of the fit's duration.
    count = 0
    stop = threading.Event()

    def spin():
        nonlocal count
        while not stop.is_set():
            count += 1

    thread = threading.Thread(target=spin)
    thread.start()
    try:
        before = count
        time.sleep(0.3)  # sleep releases the GIL: the counter's free-running rate
        rate = (count - before) / 0.3
        before, start = count, time.monotonic()
        dnmf.NMF(n_clusters=5, iter=300, tol=0.0, n_jobs=1).fit(long_data)
        seconds, during = time.monotonic() - start, count - before
    finally:
        stop.set()
        thread.join()
    assert seconds > 0.2, "the fit was too short to tell"
    assert during > 0.25 * rate * seconds
    assert during > 20 * rate * sys.getswitchinterval()
