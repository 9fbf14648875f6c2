"""Writes on training records. Web pages, the API and importers all come here."""

from khuyencong.training.services.bulk import (
    EnrolRow,
    FollowUpRow,
    SettleRow,
    followups_record_many,
    participants_enrol_by_ids,
    participants_enrol_many,
    participants_enrol_picked,
    participations_complete_many,
    participations_drop_many,
    participations_settle_many,
)
from khuyencong.training.services.courses import course_create, course_update
from khuyencong.training.services.participations import (
    TRANSITIONS,
    follow_up_record,
    follow_up_update,
    participant_complete,
    participant_drop,
)
from khuyencong.training.services.persons import (
    consent_record,
    consent_withdraw,
    hold_person_id,
    person_create,
    person_merge,
    person_restrict,
    person_update,
)
from khuyencong.training.services.privacy import disclosure_log, person_export, person_search, person_unmask_id
from khuyencong.training.services.roster import NewPerson, ParticipantBatch, StoredParticipation, participant_enrol

__all__ = [
    "TRANSITIONS",
    "EnrolRow",
    "FollowUpRow",
    "NewPerson",
    "ParticipantBatch",
    "SettleRow",
    "StoredParticipation",
    "consent_record",
    "consent_withdraw",
    "course_create",
    "course_update",
    "disclosure_log",
    "follow_up_record",
    "follow_up_update",
    "followups_record_many",
    "hold_person_id",
    "participant_complete",
    "participant_drop",
    "participant_enrol",
    "participants_enrol_by_ids",
    "participants_enrol_many",
    "participants_enrol_picked",
    "participations_complete_many",
    "participations_drop_many",
    "participations_settle_many",
    "person_create",
    "person_export",
    "person_merge",
    "person_restrict",
    "person_search",
    "person_unmask_id",
    "person_update",
]
