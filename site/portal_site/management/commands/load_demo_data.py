"""Load the demo region once (idempotent); ``--organisations`` scales it up."""

from django.core.management.base import BaseCommand, CommandParser

from portal_site import demo, demo_national, demo_pages

SCALES = {
    "region": demo.DemoScale(),
    "national": demo.DemoScale(organisations=20_000, responses=1_000_000),
}


class Command(BaseCommand):
    help = (
        "Создаёт демонстрационный регион (один раз; повторный запуск ничего не меняет)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--scale",
            choices=sorted(SCALES),
            default="region",
            help="Готовый размер: region — 60 организаций одного края; national — "
            "20 000 организаций 13 регионов и 1 000 000 анкет Декады (для "
            "бенчмарков; строится за минуты через COPY на PostgreSQL).",
        )
        parser.add_argument(
            "--organisations",
            type=int,
            default=None,
            help="Сколько организаций создать (по умолчанию 60).",
        )
        parser.add_argument(
            "--responses",
            type=int,
            default=None,
            help="Сколько анкет Декады создать (по умолчанию — правдоподобная выборка).",
        )
        parser.add_argument("--seed", type=int, default=2024)

    def handle(self, *args, **options) -> None:
        if demo.is_loaded():
            self.stdout.write("Демонстрационные данные уже загружены.")
            # A database loaded before the site tree existed gets its pages now.
            demo_pages.build_site(log=lambda line: self.stdout.write(f"  {line}"))
            return
        if options["scale"] == "national":
            # Bulk paths (COPY on PostgreSQL): minutes, not the ORM row by row.
            defaults = demo_national.NationalScale()
            demo_national.build(
                demo_national.NationalScale(
                    organisations=options["organisations"] or defaults.organisations,
                    responses=options["responses"] or defaults.responses,
                    seed=options["seed"],
                ),
                log=lambda line: self.stdout.write(f"  {line}"),
            )
            self.stdout.write(self.style.SUCCESS("Демонстрационные данные загружены."))
            return
        preset = SCALES[options["scale"]]
        scale = demo.DemoScale(
            organisations=options["organisations"] or preset.organisations,
            responses=options["responses"] or preset.responses,
            seed=options["seed"],
        )
        demo.build(scale, log=lambda line: self.stdout.write(f"  {line}"))
        self.stdout.write(self.style.SUCCESS("Демонстрационные данные загружены."))
