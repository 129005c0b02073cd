"""float() or complex() of a tensor that requires grad warns as PyTorch 2.13 does: a UserWarning with its text,
once per process; item(), int(), a detached tensor and f-strings do not warn. Each case runs in a fresh process
(the warning's once-per-process state), for both libraries."""
import json
import subprocess
import sys

import pytest

SCRIPT = """
import json, warnings
import {library} as torch
x = torch.ones(1, requires_grad=True)
t = (x * 2).sum()
with warnings.catch_warnings(record=True) as caught:
    warnings.simplefilter("always")
    {expression}
print(json.dumps([(w.category.__name__, str(w.message).split(" (Triggered")[0]) for w in caught]))
"""


@pytest.mark.parametrize("expression,count", [
    ("float(t); float(x); complex(t)", 1),  # once per process
    ("complex(t)", 1),
    ("'%f' % t", 1),
    ("int(t); t.item(); float(t.detach()); f'{t:.3f}'; bool(t); t.tolist()", 0),
])
def test_scalar_conversion_warnings_match_torch(expression, count):
    def caught(library):
        run = subprocess.run([sys.executable, "-c", SCRIPT.format(library=library, expression=expression)],
                             capture_output=True, text=True, check=True)
        return json.loads(run.stdout.strip().splitlines()[-1])
    theirs = caught("torch")
    assert len(theirs) == count and caught("minigrad") == theirs
