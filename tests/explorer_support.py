"""What the explorer tests share: Node.js running the generated kernels (tests/explorer_harness.mjs)."""

from __future__ import annotations

import json
import math
import shutil
import subprocess
from pathlib import Path

from browser_support import unavailable

HARNESS = Path(__file__).with_name("explorer_harness.mjs")
NODE = shutil.which("node")



def _nonfinite(obj):
    """JSON cannot hold NaN and ±inf: send them as {"float": "NaN"} (the harness turns them back)."""
    if isinstance(obj, float) and not math.isfinite(obj):
        return {"float": "NaN" if obj != obj else ("Infinity" if obj > 0 else "-Infinity")}
    if isinstance(obj, dict):
        return {k: _nonfinite(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [_nonfinite(v) for v in obj]
    return obj


def _restore(obj):
    if isinstance(obj, dict):
        if list(obj) == ["float"]:
            return float(obj["float"].replace("Infinity", "inf"))
        return {k: _restore(v) for k, v in obj.items()}
    if isinstance(obj, list):
        return [_restore(v) for v in obj]
    return obj


def node_answers(prefix: Path, requests: list) -> list:
    """Run the requests (see tests/explorer_harness.mjs) through the generated JavaScript in Node.js."""
    if NODE is None:
        unavailable("Node.js is not installed (`apt-get install nodejs`): the generated kernels cannot run")
    result = subprocess.run(
        [NODE, str(HARNESS), str(prefix)], input=json.dumps(_nonfinite(requests), allow_nan=False),
        capture_output=True, text=True, timeout=300,
    )
    assert result.returncode == 0, result.stderr
    # JavaScript writes a large whole double as digits ("2078274266390000000"): read those as floats.
    return _restore(json.loads(result.stdout, parse_int=lambda digits: int(digits) if len(digits) < 16 else float(digits)))
