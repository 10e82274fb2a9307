"""Each application's first answer kept on it (issue 10, docs/performance.md "The first answer
on the application"): the date and recorded outcome of its earliest answering event (by date,
time and row), filled here from the events for the applications already there. One
``UPDATE`` with two correlated subqueries, on SQLite and PostgreSQL alike; the answering
events are found through ``request_event_answer`` (0004) or the events' request index."""

from django.db import migrations, models
from django.db.models import OuterRef, Q, Subquery, Value
from django.db.models.fields.json import KeyTextTransform
from django.db.models.functions import Coalesce


def _outcome_field():
    field = models.CharField(blank=True, editable=False, max_length=24)
    field.set_attributes_from_name("first_answer_outcome")
    return field


def add_outcome_column(apps, schema_editor):
    """``AddField``, but on SQLite without rebuilding the applications' table, which Django
    does for a column that is NOT NULL with a default: copying 200,000 rows and making their
    indexes again, it also drops the table's statistics (``sqlite_stat1``), and without them
    SQLite reads the report's applications through the agency index at twice the cost.
    SQLite adds a NOT NULL column with a constant default in place."""
    InfoRequest = apps.get_model("info_requests", "InfoRequest")
    if schema_editor.connection.vendor != "sqlite":
        schema_editor.add_field(InfoRequest, _outcome_field())
        return
    quote = schema_editor.quote_name
    schema_editor.execute(
        f"ALTER TABLE {quote(InfoRequest._meta.db_table)} ADD COLUMN "
        f"{quote('first_answer_outcome')} varchar(24) DEFAULT '' NOT NULL"
    )


def remove_outcome_column(apps, schema_editor):
    InfoRequest = apps.get_model("info_requests", "InfoRequest")
    schema_editor.remove_field(InfoRequest, _outcome_field())


def fill_first_answers(apps, schema_editor):
    InfoRequest = apps.get_model("info_requests", "InfoRequest")
    RequestEvent = apps.get_model("info_requests", "RequestEvent")
    # answering_event_condition() of 0004, as it stands in the models at this migration.
    answering = Q(code="replied") | Q(code="closed", data__has_key="outcome")
    first = (
        RequestEvent.objects.filter(answering, request=OuterRef("pk"))
        .order_by("on", "at", "id")
        .annotate(recorded=KeyTextTransform("outcome", "data"))
    )
    InfoRequest.objects.using(schema_editor.connection.alias).update(
        first_answered_on=Subquery(first.values("on")[:1]),
        first_answer_outcome=Coalesce(
            Subquery(first.values("recorded")[:1]), Value(""), output_field=models.CharField()
        ),
    )


class Migration(migrations.Migration):
    dependencies = [("info_requests", "0004_answering_event_index")]

    operations = [
        migrations.AddField(
            model_name="inforequest",
            name="first_answered_on",
            field=models.DateField(blank=True, editable=False, null=True),
        ),
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AddField(
                    model_name="inforequest",
                    name="first_answer_outcome",
                    field=models.CharField(blank=True, editable=False, max_length=24),
                )
            ],
            database_operations=[
                migrations.RunPython(add_outcome_column, remove_outcome_column, elidable=True)
            ],
        ),
        migrations.RunPython(fill_first_answers, migrations.RunPython.noop, elidable=True),
    ]
