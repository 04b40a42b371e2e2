# Placeholder: the diary pages are being written; see the foundation issue.
from django.http import HttpResponse

from nightcramp.authz import person


@person
def _todo(request, *args, **kwargs):  # type: ignore[no-untyped-def]
    return HttpResponse("not yet", status=501)


home = tonight = episode_now = episode_details = episode_edit = episode_delete = checkin = _todo
history = calendar = night_detail = night_delete = medications = medication_edit = medication_delete = _todo
