"""API plumbing shared by every app: Vietnamese errors as 4xx, never 5xx, for domain failures."""

from __future__ import annotations

from typing import Any, TypeVar

from django.core.exceptions import NON_FIELD_ERRORS
from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.exceptions import ValidationError
from rest_framework.generics import GenericAPIView
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.serializers import Serializer
from rest_framework.settings import api_settings
from rest_framework.views import exception_handler as drf_exception_handler

from khuyencong.core.errors import PermissionDeniedError, RateLimitedError, StaleEditError, problems
from khuyencong.core.requests import AuthenticatedRequest


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    if isinstance(exc, DjangoValidationError):
        # Field → messages. The record as a whole keeps the key clients already read: Django's "__all__" in an
        # error by field, DRF's "non_field_errors" for an error without fields.
        whole = NON_FIELD_ERRORS if hasattr(exc, "error_dict") else api_settings.NON_FIELD_ERRORS_KEY
        detail = {name or whole: messages for name, messages in problems(exc).items()}
        return Response(detail, status=status.HTTP_400_BAD_REQUEST)
    if isinstance(exc, StaleEditError):
        return Response({"detail": str(exc.message)}, status=status.HTTP_409_CONFLICT)
    if isinstance(exc, PermissionDeniedError):
        return Response({"detail": str(exc)}, status=status.HTTP_403_FORBIDDEN)
    if isinstance(exc, RateLimitedError):
        return Response({"detail": str(exc)}, status=status.HTTP_429_TOO_MANY_REQUESTS)
    return drf_exception_handler(exc, context)


YEARS = (2000, 2100)  # the programme's records; also keeps year lookups inside what dates can hold


def year_param(params: Any, name: str = "year") -> int | None:
    """The ``year`` filter of an API list, or None; anything else than a year in :data:`YEARS` is a 400."""
    raw = params.get(name) or ""
    if not raw:
        return None
    if not (raw.isdigit() and len(raw) <= 4 and YEARS[0] <= int(raw) <= YEARS[1]):
        raise ValidationError({name: [f"Năm phải là số từ {YEARS[0]} đến {YEARS[1]}."]})
    return int(raw)


def choice_param(params: Any, name: str, choices: Any) -> str:
    """An enum filter of an API list ("" when absent); an unknown value is a 400, never "no filter".

    ``choices`` is any iterable of the allowed values (a ``TextChoices.values`` list, a tuple…).
    """
    raw = params.get(name) or ""
    allowed = [str(value) for value in choices]
    if raw and raw not in allowed:
        raise ValidationError({name: [f"Giá trị “{raw[:30]}” không hợp lệ cho bộ lọc “{name}”; "
                                      f"chọn một trong: {', '.join(allowed)}."]})
    return str(raw)


_Payload = TypeVar("_Payload", bound=Serializer)


def validated(serializer_class: type[_Payload], request: Request, *, partial: bool = False) -> _Payload:
    """The request body read by ``serializer_class``; a body that does not fit is a 400."""
    payload = serializer_class(data=request.data, partial=partial)
    payload.is_valid(raise_exception=True)
    return payload


def required_version(payload: Serializer) -> int:
    """The version the caller read: an update without one is a 400, a stale one the service's 409."""
    if "version" not in payload.validated_data:
        raise ValidationError({"version": [_("Trường này là bắt buộc.")]})
    return int(payload.validated_data["version"])


def without_version(payload: Serializer) -> dict[str, Any]:
    """The validated fields for the service, the version being passed apart as ``expected_version``."""
    return {name: value for name, value in payload.validated_data.items() if name != "version"}


class ServiceCreateMixin(GenericAPIView):
    # Comments, not a docstring: drf-spectacular would show a mixin's docstring as the operation description.
    # ``create`` of a view set whose writes go through the app's services.
    #
    # Set ``input_serializer`` and write :meth:`create_record`, which calls the service with the caller as actor.
    # List it before DRF's ``CreateModelMixin``, which keeps the schema.

    input_serializer: type[Serializer]

    def before_create(self, user: Any) -> None:
        """Refuse (403) a caller who may not create, before the body is read: no lookup answers them first."""

    def create_record(self, user: Any, payload: Any) -> Any:
        raise NotImplementedError

    def written(self, record: Any) -> Any:
        """The answer to a write: the record as the list and detail show it."""
        return self.get_serializer(record).data

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        self.before_create(request.user)
        payload = validated(self.input_serializer, request)
        record = self.create_record(request.user, payload)
        return Response(self.written(record), status=status.HTTP_201_CREATED)


class ServiceWriteMixin(ServiceCreateMixin):
    # ``create`` and ``update`` of a view set whose writes go through the app's services.
    #
    # Besides what :class:`ServiceCreateMixin` asks, set ``update_serializer`` (with ``version``) and write
    # :meth:`update_record`. The record found by ``get_object`` comes before the body is read, so an unknown id
    # is a 404, never a 400. List it before DRF's ``UpdateModelMixin``, which keeps ``partial_update`` and the
    # schema (a view set without updates takes :class:`ServiceCreateMixin`: the router would route PUT to ``update``).

    update_serializer: type[Serializer]

    def before_update(self, user: Any, record: Any) -> None:
        """Refuse (403) a caller who may see ``record`` but not edit it, before the body is read."""

    def update_record(self, user: Any, record: Any, payload: Any, version: int) -> Any:
        raise NotImplementedError

    def update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        record = self.get_object()
        self.before_update(request.user, record)
        payload = validated(self.update_serializer, request, partial=kwargs.get("partial", False))
        version = required_version(payload)
        return Response(self.written(self.update_record(request.user, record, payload, version)))


class ServiceDeleteMixin(GenericAPIView):
    # ``destroy`` through the app's service (write :meth:`delete_record`); answers 204 without a body.
    #
    # A separate mixin: the router routes DELETE to any view set that has a ``destroy``.

    def delete_record(self, user: Any, record: Any) -> None:
        raise NotImplementedError

    def destroy(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        self.delete_record(request.user, self.get_object())
        return Response(status=status.HTTP_204_NO_CONTENT)


class ServiceViewSet(ServiceWriteMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin,
                     mixins.UpdateModelMixin, viewsets.GenericViewSet):
    # List, detail, create and update of one kind of record, the writes through the app's services.
    request: AuthenticatedRequest  # the default permission, IsAuthenticated, ensures it


def write_schemas(output: Any, *, create: Any, update: Any) -> dict[str, Any]:
    """The ``extend_schema_view`` entries of a :class:`ServiceViewSet`'s writes: 201 on create, 200 on update."""
    changed = {"request": update, "responses": {200: output}}
    return {"create": extend_schema(request=create, responses={201: output}),
            "update": extend_schema(**changed), "partial_update": extend_schema(**changed)}
