"""What an export costs the staff member's request, before (built in the request) and after
(asked for; a worker builds it), docs/performance.md "Exports through the task queue".

    GONGKAI_TASK_BACKEND=database DATABASE_URL=sqlite:////tmp/exp-bench/db.sqlite3 \\
        EXPORT_BENCH_MEDIA=/tmp/exp-bench/media .venv/bin/python bench/exports.py --responses 20000

Builds a survey of four questions (rating, single choice, two free texts) with that many
responses, then times, best of three, wall and CPU seconds: the synchronous builders (what
the GET of the old buttons ran before answering), the new button's POST (the row, the audit
entry and the job's row), and the job itself (run_export, what the worker spends).
"""

from __future__ import annotations

import argparse
import datetime
import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.timing import best

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gongkai.settings")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--responses", type=int, default=20000)
    options = parser.parse_args()

    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.test import Client
    from django.test.utils import setup_test_environment
    from django.urls import reverse
    from django.utils import timezone

    setup_test_environment()
    settings.GONGKAI_STAFF_TWO_FACTOR = False
    settings.MEDIA_ROOT = Path(os.environ.get("EXPORT_BENCH_MEDIA", "var/bench-media"))
    call_command("migrate", verbosity=0)

    from gongkai.agencies.models import Agency, StaffRole
    from gongkai.core import exports as core_exports
    from gongkai.core.models import User
    from gongkai.interaction.surveys import exports, services
    from gongkai.interaction.surveys.models import Answer, Question, Response, Survey
    from gongkai.interaction.surveys.services import QuestionSpec

    Kind = Question.Kind
    survey = Survey.objects.filter(title="导出基准调查").first()
    editor = User.objects.filter(username="bench-editor").first()
    if survey is None:
        agency = Agency.objects.create(
            name="基准局", short_name="基准局", slug="bench", org_code="B0000001"
        )
        editor = User.objects.create_user("bench-editor", password="x")  # noqa: S106
        StaffRole.objects.create(agency=agency, user=editor, role=StaffRole.Role.EDITOR)
        now = timezone.now()
        survey = services.create_survey(
            agency=agency,
            actor=editor,
            title="导出基准调查",
            opens_at=now - datetime.timedelta(days=1),
            closes_at=now + datetime.timedelta(days=30),
        )
        specs = [
            QuestionSpec(text="总体满意程度", kind=Kind.RATING, scale_min=1, scale_max=5),
            QuestionSpec(text="您的身份是？", kind=Kind.SINGLE, choices=["家长", "学生", "其他"]),
            QuestionSpec(text="其他意见和建议", kind=Kind.TEXT, required=False),
            QuestionSpec(text="您最关心的信息", kind=Kind.TEXT, required=False),
        ]
        questions = [services.add_question(survey, spec, actor=editor) for spec in specs]
        choices = list(questions[1].choices.order_by("position"))
        responses = Response.objects.bulk_create(
            Response(survey=survey, number=n + 1, submitted_at=now, visitor_hash=f"{n:064x}")
            for n in range(options.responses)
        )
        answers = []
        for n, response in enumerate(responses):
            answers.append(Answer(response=response, question=questions[0], rating=1 + n % 5))
            answers.append(Answer(response=response, question=questions[1]))
            answers.append(
                Answer(
                    response=response, question=questions[2], text=f"建议第{n}条：希望公开更及时。"
                )
            )
            answers.append(
                Answer(response=response, question=questions[3], text="办事指南、财政预决算")
            )
        Answer.objects.bulk_create(answers, batch_size=5000)
        Through = Answer.choices.through
        single = Answer.objects.filter(question=questions[1]).values_list("pk", flat=True)
        Through.objects.bulk_create(
            (Through(answer_id=pk, choice_id=choices[i % 3].pk) for i, pk in enumerate(single)),
            batch_size=5000,
        )
    print(
        f"survey with {survey.responses.count()} responses; backend "
        f"{settings.TASKS['default']['BACKEND']}; load {os.getloadavg()[0]:.1f}"
    )
    csv_size = len(exports.export_csv(survey))
    xlsx_size = len(exports.export_xlsx(survey))
    print(f"files: CSV {csv_size:,} bytes, XLSX {xlsx_size:,} bytes")
    best("before: the request built the CSV", lambda: exports.export_csv(survey))
    best("before: the request built the XLSX", lambda: exports.export_xlsx(survey))

    client = Client()
    client.force_login(editor)
    url = reverse("surveys_staff:export_xlsx", args=[survey.pk])

    def ask() -> None:
        response = client.post(url)
        if response.status_code != 302:
            raise SystemExit(f"the button answered {response.status_code}")

    best("after: the request asks for the XLSX (POST)", ask)
    queued = list(core_exports.Export.objects.filter(state="queued").values_list("pk", flat=True))
    runs = iter(queued)
    best("after: the worker builds it (run_export)", lambda: core_exports.run_export(next(runs)))
    print(f"load average now {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
