from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from tutela.audit.context import current_ip
from tutela.core.http import client_ip


class AuditContextMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        token = current_ip.set(client_ip(request))  # the same address the lockout counts
        try:
            return self.get_response(request)
        finally:
            current_ip.reset(token)
