"""Submissions a dishonest student could hand in — one per attack of issue 11 — made harmless.

Every attack is bounded: at most 1 GiB of memory, at most 50 processes, every loop ends by itself within
30 s, and every background process it starts carries MARKER in its command line, so that a test can
check that none is still alive after ``gdcourse grade`` returns.  Each is a list of cell sources;
``tests/test_grading_attacks.py`` writes them as notebooks into a submissions folder and grades them
all in one run.
"""

MARKER = "gdcourse-attack-marker"

IMPORTS = "import numpy as np"

MOMENTUM = '''\
def momentum_step(w, dw, grad, eta, alpha):
    dw_new = alpha * dw - eta * grad
    w_new = w + dw_new
    return w_new, dw_new
'''

# A background process that outlives the cell it was started from, unless the sandbox ends it.
DAEMON = f'''\
import subprocess, sys
def daemon(code, seconds=25):
    """Start `code` in a detached process (its own session) that gives up after `seconds`."""
    body = "import time, os\\nend = time.time() + " + str(seconds) + "\\n" + code + "  # {MARKER}"
    return subprocess.Popen([sys.executable, "-c", body], start_new_session=True,
                            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
'''

ATTACKS = {
    # Code execution in the grader: a kernel provisioner entry point and an edited kernel.json.
    "provisioner.ipynb": [IMPORTS, '''\
import glob, json, os, sys, site
written = []
for folder in site.getsitepackages() + [sys.prefix]:
    for path in glob.glob(os.path.join(folder, "**", "kernel.json"), recursive=True)[:5]:
        try:
            spec = json.load(open(path))
            spec["metadata"] = {"kernel_provisioner": {"provisioner_name": "gdcourse-evil"}}
            json.dump(spec, open(path, "w"))
            written.append(path)
        except OSError:
            pass
    for path in glob.glob(os.path.join(folder, "*.dist-info", "entry_points.txt"))[:5]:
        try:
            open(path, "a").write("\\n[jupyter_client.kernel_provisioners]\\ngdcourse-evil = evil:Provisioner\\n")
            written.append(path)
        except OSError:
            pass
    try:
        open(os.path.join(folder, "evil.py"), "w").write("print('owned')\\n")
        written.append(folder)
    except OSError:
        pass
print("written:", written)
assert not written, "the environment is writable"
'''],
    # Forging after the fact: a detached process that rewrites the CSV and the feedback later.
    "forger.ipynb": [IMPORTS, DAEMON, '''\
import os
targets = []
for pid in os.listdir("/proc"):
    try:
        targets.append(open(f"/proc/{pid}/cmdline", "rb").read().decode(errors="replace"))
    except OSError:
        pass
daemon("""
import glob
while time.time() < end:
    for path in glob.glob("/**/grades*.csv", recursive=True)[:20] + glob.glob("/**/*feedback*/*.txt", recursive=True)[:50]:
        try:
            open(path, "w").write("submission,total\\\\nforger.ipynb,4\\\\n")
        except OSError:
            pass
    time.sleep(0.5)
""")
'''],
    # Poisoning later runs: a .pth file, gdcourse's own source, an IPython startup file.
    "poison_pth.ipynb": [IMPORTS, '''\
import site, os
done = []
for folder in site.getsitepackages():
    try:
        open(os.path.join(folder, "zzz-evil.pth"), "w").write("import os; os._exit(1)\\n")
        done.append(folder)
    except OSError:
        pass
assert not done, done
'''],
    "poison_source.ipynb": [IMPORTS, '''\
import gdcourse, os
source = os.path.join(os.path.dirname(gdcourse.__file__), "optimizers.py")
open(source, "a").write("\\nraise SystemExit('sabotaged')\\n")
'''],
    "poison_startup.ipynb": [IMPORTS, '''\
import os
for home in (os.path.expanduser("~"), "/root", "/home"):
    folder = os.path.join(home, ".ipython", "profile_default", "startup")
    try:
        os.makedirs(folder, exist_ok=True)
        open(os.path.join(folder, "00-evil.py"), "w").write("import os; os._exit(1)\\n")
    except OSError:
        pass
'''],
    # Other students' work: find the submissions folder through /proc and overwrite a friend's stub.
    "friend_writer.ipynb": [IMPORTS, '''\
import os, glob
found = []
for pid in os.listdir("/proc"):
    if pid.isdigit():
        try:
            found.append(open(f"/proc/{pid}/cmdline", "rb").read().split(b"\\0"))
        except OSError:
            pass
candidates = glob.glob("/**/friend.ipynb", recursive=True)[:5]
for path in candidates:
    try:
        open(path, "w").write(open(path).read().replace("raise NotImplementedError", "return w + alpha*dw - eta*grad, alpha*dw - eta*grad"))
    except OSError:
        pass
print(len(found), candidates)
'''],
    # Borrowed code: the reference, a wrapper around gdcourse.Momentum, exec of the solution, a copy.
    "borrow_reference.ipynb": [IMPORTS, '''\
from gdcourse.exercises.momentum import reference as momentum_step
'''],
    "borrow_wrapper.ipynb": [IMPORTS, '''\
import gdcourse
def momentum_step(w, dw, grad, eta, alpha):
    optimizer = gdcourse.Momentum(eta=eta, alpha=alpha)
    optimizer.dw = dw.copy()
    return optimizer.step(w, grad), optimizer.dw
def adam_step(w, m, v, grad, r, eta, beta1, beta2, eps):
    optimizer = gdcourse.optimizers.Adam(eta=eta, beta1=beta1, beta2=beta2, eps=eps)
    optimizer.m, optimizer.v, optimizer.r = m.copy(), v.copy(), r - 1
    return optimizer.step(w, grad), optimizer.m, optimizer.v
'''],
    "borrow_copy.ipynb": [IMPORTS, '''\
import types, gdcourse
step = gdcourse.Momentum.step
copied = types.FunctionType(step.__code__, step.__globals__, "copied")
def momentum_step(w, dw, grad, eta, alpha):
    optimizer = types.SimpleNamespace(eta=eta, alpha=alpha, dw=dw.copy(), r=0)
    return copied(optimizer, w, grad), optimizer.dw
'''],
    "borrow_solution.ipynb": [IMPORTS, '''\
from gdcourse import exercises
text = exercises.solution("adam_step")
exec(getattr(text, "data", str(text)).strip("`").removeprefix("python\\n"))
'''],
    "borrow_subprocess.ipynb": [IMPORTS, '''\
import json, subprocess, sys
def momentum_step(w, dw, grad, eta, alpha):
    code = ("import json, sys, numpy as np, gdcourse; a = json.load(sys.stdin); o = gdcourse.Momentum(eta=a[3], alpha=a[4]);"
            "o.dw = np.array(a[1]); w = o.step(np.array(a[0]), np.array(a[2])); print(json.dumps([w.tolist(), o.dw.tolist()]))")
    out = subprocess.run([sys.executable, "-c", code], input=json.dumps([w.tolist(), dw.tolist(), grad.tolist(), eta, alpha]),
                         capture_output=True, text=True, timeout=10).stdout
    w_new, dw_new = json.loads(out)
    return np.array(w_new), np.array(dw_new)
'''],
    # A lookup table keyed on the inputs (filled in by the test from the public fixed inputs).
    "lookup_table.ipynb": [IMPORTS, "TABLE = {TABLE}", '''\
import hashlib
def momentum_step(w, dw, grad, eta, alpha):
    key = hashlib.sha256(np.ascontiguousarray(grad, dtype=np.float64).tobytes()).hexdigest()
    if key in TABLE:
        w_new, dw_new = TABLE[key]
        return np.array(w_new).reshape(w.shape), np.array(dw_new).reshape(w.shape)
    return w.copy(), dw.copy()
'''],
    # One file that stops the batch: the results file as a FIFO, a folder, a link; deep or huge JSON.
    "record_fifo.ipynb": [IMPORTS, MOMENTUM, '''\
import os
for make in (os.mkfifo, os.mkdir, lambda p: os.symlink("/etc/passwd", p)):
    try:
        os.remove("/run/gdcourse/record.json")
    except OSError:
        pass
    try:
        make("/run/gdcourse/record.json")
    except OSError:
        pass
for name in ("record2.json", "fifo"):
    try:
        os.mkfifo("/run/gdcourse/" + name)
    except OSError:
        pass
'''],
    "record_nested.ipynb": [IMPORTS, MOMENTUM, '''\
import json
json.dump = lambda obj, file, **kw: file.write("[" * 200000 + "]" * 200000)
'''],
    "record_huge.ipynb": [IMPORTS, MOMENTUM, '''\
import json
json.dump = lambda obj, file, **kw: [file.write("[" + "1," * 500000 + "1]") for _ in range(4)]
'''],
    # No wall-clock budget; a cell that ignores SIGINT while looping.
    "ignores_sigint.ipynb": [IMPORTS, MOMENTUM, '''\
import signal, time
signal.signal(signal.SIGINT, signal.SIG_IGN)
end = time.time() + 30
while time.time() < end:
    pass
'''],
    "slow_cells.ipynb": [IMPORTS, MOMENTUM] + ["import time\ntime.sleep(2.5)"] * 6,
    # No limits: memory, forks, a CPU burner that outlives the kernel, output.
    "memory.ipynb": [IMPORTS, MOMENTUM, "block = np.ones(1 << 27)  # 1 GiB, every page touched"],
    "forks.ipynb": [IMPORTS, MOMENTUM, f'''\
import os, time
children = []
for _ in range(50):
    pid = os.fork()
    if pid == 0:
        time.sleep(20)  # {MARKER}
        os._exit(0)
    children.append(pid)
'''],
    "cpu_burner.ipynb": [IMPORTS, MOMENTUM, DAEMON, '''\
daemon("""
while time.time() < end:
    pass
""")
'''],
    "output_flood.ipynb": [IMPORTS, MOMENTUM, '''\
for _ in range(100):
    print("x" * 1_000_000)
'''],
    # The in-notebook check as a hostile function sees it: objects whose methods never return.
    "hostile_objects.ipynb": [IMPORTS, '''\
class Endless(np.ndarray):
    def __len__(self):
        while True:
            pass
    @property
    def dtype(self):
        while True:
            pass
class Float:
    def __float__(self):
        while True:
            pass
def momentum_step(w, dw, grad, eta, alpha):
    return w.view(Endless), dw.view(Endless)
def adagrad_step(w, G, grad, eta, eps):
    return Float(), Float()
'''],
}

#: What each attack earns: the exercises it implements honestly (everything else is 0).
POINTS = {name: [] for name in ATTACKS}
POINTS.update({
    "record_fifo.ipynb": ["momentum_step"],
    "slow_cells.ipynb": [],  # stopped by --wall-time before the exercises are graded
    "forks.ipynb": ["momentum_step"],
    "cpu_burner.ipynb": ["momentum_step"],
})
