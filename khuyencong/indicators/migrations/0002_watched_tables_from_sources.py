"""The journal's watched tables are now derived from the indicator sources the apps register, kept in
order of table name: the same tables, columns and events as 0001, frozen again in that order (the
triggers are reinstalled as they were; no row of the journal or the slices changes)."""

import importlib

from django.db import migrations

from khuyencong.indicators.ready import journal

# The tables and columns journalled by this migration's triggers (frozen: a later change to the watched
# tables of the registered sources needs a new migration that installs the triggers again).
SPEC = [['cooperation_activity', ['organising_unit_id', 'start_date'], ['insert', 'update', 'delete'], []],
 ['cooperation_activityparticipant', ['activity_id'], ['insert', 'update', 'delete'], []],
 ['establishments_establishment', ['commune_id'], ['update'], ['commune_id']],
 ['fairs_fair', ['start_date'], ['insert', 'update', 'delete'], []],
 ['fairs_fairparticipation', ['fair_id', 'establishment_id'], ['insert', 'update', 'delete'], []],
 ['products_certificate', ['decision_id', 'product_id'], ['insert', 'update', 'delete'], []],
 ['products_product', ['establishment_id'], ['update'], ['establishment_id']],
 ['products_recognitiondecision', ['decided_on'], ['insert', 'update', 'delete'], []],
 ['products_recognitionlevel', ['code'], ['update', 'delete'], ['code']],
 ['schemes_activitytype', ['code'], ['update', 'delete'], ['code']],
 ['schemes_demonstrationmodel', ['scheme_id', 'host_establishment_id'], ['insert', 'update', 'delete'], []],
 ['schemes_disbursement', ['scheme_id'], ['insert', 'update', 'delete'], []],
 ['schemes_scheme', ['implementing_unit_id', 'acceptance_date'], ['insert', 'update', 'delete'], []],
 ['schemes_schemebeneficiary', ['scheme_id', 'establishment_id'], ['insert', 'update', 'delete'], []],
 ['training_course', ['organising_unit_id', 'end_date'], ['insert', 'update', 'delete'], []],
 ['training_coursetype', ['code'], ['update', 'delete'], ['code']],
 ['training_participation', ['course_id'], ['insert', 'update', 'delete'], []],
 ['training_person', ['role'], ['update'], ['role']]]


def install(apps, schema_editor):
    journal.install(schema_editor, SPEC)


def reinstall_previous(apps, schema_editor):
    journal.install(schema_editor, importlib.import_module("khuyencong.indicators.migrations.0001_ready_figures").SPEC)


class Migration(migrations.Migration):

    dependencies = [
        ("indicators", "0001_ready_figures"),
    ]

    operations = [
        migrations.RunPython(install, reinstall_previous),
    ]
