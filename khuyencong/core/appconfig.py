"""The ``AppConfig`` base of the domain apps: registers what an app offers to the core frameworks.

Each app declares its named policy checks, its to-do lists and its picker sources beside the functions
they name — ``NAMED_CHECKS`` in its ``policy`` module, ``TODO_LISTS`` in its ``todo`` module, ``PICKERS``
in its ``pickers`` module — and this registers them once Django is ready, the way the indicators and the
sheets are discovered (ADR 0022). The core still knows no domain app: it only reads the declarations.
"""

from __future__ import annotations

from importlib import import_module
from typing import Any

from django.apps import AppConfig
from django.utils.module_loading import module_has_submodule


class RegisteringConfig(AppConfig):
    # Apps import this module, not the class, so that Django still finds one config in their apps.py.
    def ready(self) -> None:
        from khuyencong.core import permissions, pickers, todo

        for name, check in self.declared("policy", "NAMED_CHECKS").items():
            permissions.register(name, check)
        for key, source in self.declared("todo", "TODO_LISTS").items():
            todo.register(key, source)
        for kind, search in self.declared("pickers", "PICKERS").items():
            pickers.register(kind, search)

    def declared(self, module: str, name: str) -> dict[str, Any]:
        """The mapping ``name`` of this app's ``module``; empty where the app has neither."""
        if not module_has_submodule(self.module, module):
            return {}
        return dict(getattr(import_module(f"{self.name}.{module}"), name, {}))
