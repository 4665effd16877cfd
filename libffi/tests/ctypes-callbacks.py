"""ctypes callbacks, the way Python programs use them, for the libffi step.

usage: python3 ctypes-callbacks.py [LIBFFI_DIR]

Checks that the libffi mapped in this process is the one in LIBFFI_DIR
(when given), then: libc qsort with a Python comparator, a
double (double, double) callback called through its code address, and
callbacks created, called and freed in a loop in several threads.
Prints "PASS: NAME" or "FAIL: NAME" for each."""

import ctypes
import os
import sys
import threading

failures = 0


def result(ok, name):
    global failures
    print(("PASS: " if ok else "FAIL: ") + name, flush=True)
    if not ok:
        failures += 1


if len(sys.argv) > 1:
    want = os.path.realpath(sys.argv[1])
    with open("/proc/self/maps") as maps:
        libs = {line.split()[-1] for line in maps if "libffi.so" in line}
    result(any(os.path.dirname(os.path.realpath(l)) == want for l in libs),
           "libffi is the one in %s (mapped: %s)" % (want, ", ".join(libs)))

libc = ctypes.CDLL(None)

# qsort with a comparator.
CMP = ctypes.CFUNCTYPE(ctypes.c_int, ctypes.POINTER(ctypes.c_int),
                       ctypes.POINTER(ctypes.c_int))
values = [31, 4, 15, 9, 26, 5, 35, 8, 97, 93, 23, 84, 62, 64, 33, 83]
array = (ctypes.c_int * len(values))(*values)
calls = 0


def compare(a, b):
    global calls
    calls += 1
    return (a[0] > b[0]) - (a[0] < b[0])


comparator = CMP(compare)
libc.qsort.argtypes = [ctypes.c_void_p, ctypes.c_size_t, ctypes.c_size_t, CMP]
libc.qsort.restype = None
libc.qsort(array, len(array), ctypes.sizeof(ctypes.c_int), comparator)
result(list(array) == sorted(values) and calls > 0,
       "qsort with a ctypes comparator (%d calls)" % calls)

# double (double, double), called through its code address.
BINOP = ctypes.CFUNCTYPE(ctypes.c_double, ctypes.c_double, ctypes.c_double)
hypot_cb = BINOP(lambda x, y: (x * x + y * y) ** 0.5)
address = ctypes.cast(hypot_cb, ctypes.c_void_p).value
through = BINOP(address)
result(through(3.0, 4.0) == 5.0 and through(0.5, 1.25) == (0.5 ** 2 + 1.25 ** 2) ** 0.5,
       "double (double, double) callback called through its address")

# Many callbacks created, called and freed in several threads.
THREADS, ROUNDS = 4, 2000
errors = []


def worker(t):
    try:
        for i in range(ROUNDS):
            cb = BINOP(lambda x, y, k=i: x * y + k + t)
            f = BINOP(ctypes.cast(cb, ctypes.c_void_p).value)
            if f(2.0, 3.0) != 6.0 + i + t:
                errors.append((t, i))
                return
            del f, cb
    except Exception as e:  # noqa: BLE001
        errors.append((t, repr(e)))


threads = [threading.Thread(target=worker, args=(t,)) for t in range(THREADS)]
for th in threads:
    th.start()
for th in threads:
    th.join()
result(not errors, "%d threads x %d callbacks created, called, freed%s"
       % (THREADS, ROUNDS, "" if not errors else ": %r" % errors[:3]))
sys.exit(1 if failures else 0)
