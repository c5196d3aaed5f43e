"""The process the kill test SIGKILLs: one batch run, each outcome printed as a JSON line as it comes.

python -m tests.batch._kill_child BASE_URL API_KEY BATCH_FILE OUT_DIR [--retry-uncertain]
"""

from __future__ import annotations

import json
import sys

from stability import Stability
from stability._batch._run import batch


def main(argv: list[str]) -> int:
    base_url, api_key, path, out_dir = argv[:4]
    with Stability(api_key=api_key, base_url=base_url, max_retries=0) as client:
        outcomes = batch(
            client,
            path,
            out_dir=out_dir,
            concurrency=4,
            rate_limit=None,
            poll_interval=0.05,
            retry_uncertain="--retry-uncertain" in argv,
        )
        print("ready", flush=True)
        for outcome in outcomes:
            print(json.dumps({"key": outcome.item.key, "state": outcome.state, "error": outcome.error}), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
