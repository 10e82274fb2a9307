"""Make the province dataset (``generate.py``) once, or say that it is there.

``.venv/bin/python bench/province/dataset.py --scale 0.1 --db sqlite`` (``--fresh`` to make it
again). The benchmarks make it themselves when it is missing; this is for making it ahead.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from bench.province.common import add_dataset_arguments, load, prepare


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    add_dataset_arguments(parser)
    args = parser.parse_args(argv)
    prepare(args)
    from gongkai.agencies.models import Agency
    from gongkai.catalogue.models import Document
    from gongkai.info_requests.models import InfoRequest, RequestEvent
    from gongkai.interaction.letters.models import Letter, LetterEvent

    print(
        f"holds {Agency.objects.count():,} agencies, {Document.objects.count():,} documents, "
        f"{InfoRequest.objects.count():,} applications ({RequestEvent.objects.count():,} "
        f"events), {Letter.objects.count():,} letters ({LetterEvent.objects.count():,} events)"
    )
    print(f"load average at the end: {load()}")


if __name__ == "__main__":
    main()
