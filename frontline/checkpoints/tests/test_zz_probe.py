import cProfile, json, pstats, uuid, io, time
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from frontline.api.services import api_token_create
from frontline.checkpoints import services
from frontline.checkpoints.tests.conftest import make_id

pytestmark = pytest.mark.django_db

def test_probe_single(org, client, person):
    _t, raw = api_token_create(actor="t", user=org.office, name="x")
    h = {"HTTP_AUTHORIZATION": f"Bearer {raw}"}
    bodies = [json.dumps(person(org.checkpoint_a, seq=i % 999, phone="13812345678")) for i in range(300)]
    for b in bodies[:20]:
        client.post("/api/v1/passages", b, content_type="application/json", **h)
    pr = cProfile.Profile()
    t = time.perf_counter()
    pr.enable()
    for b in bodies[20:]:
        r = client.post("/api/v1/passages", b, content_type="application/json", **h)
    pr.disable()
    print("per request ms", (time.perf_counter() - t) / 280 * 1000)
    s = io.StringIO(); pstats.Stats(pr, stream=s).sort_stats("cumulative").print_stats(60); print(s.getvalue())
    s = io.StringIO(); pstats.Stats(pr, stream=s).sort_stats("tottime").print_stats(30); print(s.getvalue())
