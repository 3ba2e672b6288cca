"""core.access.in_scope decides for one loaded row what scope() decides with a query."""

from __future__ import annotations

import pytest

from frontline.checkpoints import services
from frontline.checkpoints.models import Passage
from frontline.checkpoints.tests.conftest import make_id
from frontline.core.access import in_scope, scope
from frontline.org.models import Checkpoint

pytestmark = pytest.mark.django_db


def test_in_scope_agrees_with_scope_for_every_role_one_and_two_hops_away(org):
    import uuid

    for i, cp in enumerate([org.checkpoint_a, org.checkpoint_b]):
        data = services.PassageData(
            checkpoint_id=cp.pk,
            client_uuid=uuid.uuid4(),
            outcome="allowed",
            id_number=make_id(seq=i),
            temperature="36.5",
        )
        services.passage_record_batch(actor=org.office, items=[data])
    rows = [*Checkpoint.objects.select_related("community"), *Passage.objects.select_related("checkpoint")]
    assert len(rows) >= 5
    for user in org.users.values():
        for row in rows:
            expected = scope(type(row).objects.filter(pk=row.pk), user).exists()
            assert in_scope(row, user) == expected, (user.username, row)
    # the liaisons of the two communities see different checkpoints: the test compares real decisions
    assert {in_scope(org.checkpoint_a, org.liaison_a), in_scope(org.checkpoint_b, org.liaison_a)} == {True, False}
