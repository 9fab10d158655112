from django.http import FileResponse, Http404, HttpRequest

from tutela.accounts.access import can_view_confidential, get_case_for_user
from tutela.audit.services import audit_record
from tutela.documents.models import Attachment


def download(request: HttpRequest, pk: int) -> FileResponse:
    """Serve a document only through the case's access check, always as an attachment, and audit it."""
    attachment = Attachment.objects.filter(pk=pk, case__isnull=False).first()
    if attachment is None or attachment.case_id is None:
        raise Http404
    case = get_case_for_user(request.user, attachment.case_id)
    if attachment.confidential and not can_view_confidential(request.user, case):
        raise Http404
    audit_record(
        actor=request.user, action="documents.attachment.downloaded", obj=attachment, case_id=case.pk
    )
    extension = {"application/pdf": "pdf", "image/png": "png", "image/jpeg": "jpg"}.get(
        attachment.content_type, "bin"
    )
    response = FileResponse(
        attachment.file.open("rb"),
        as_attachment=True,
        filename=f"{case.code}-documento-{attachment.pk}.{extension}",
        content_type=attachment.content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response
