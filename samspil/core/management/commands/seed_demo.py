from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from samspil.core.demo.seed import DEMO_LOGINS, DEMO_PASSWORD, demo_exists, seed_demo


class Command(BaseCommand):
    help = "Create deterministic demo data for København, Middelfart, Vejle and Vesthimmerland."

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.DEMO_MODE:
            raise CommandError(
                "seed_demo creates users with a published password: run it only with SAMSPIL_DEMO=1."
            )
        if demo_exists():
            self.stdout.write("Demo data is already present.")
        else:
            seed_demo(progress=lambda message: self.stdout.write(f"  {message} …"))
            self.stdout.write(self.style.SUCCESS("Demo data created."))
        self.stdout.write("")
        self.stdout.write(
            f"Demo logins (password for all: {DEMO_PASSWORD}), database: {connection.vendor}"
        )
        for username, description in DEMO_LOGINS:
            self.stdout.write(f"  {username:<26} {description}")
